"""reportlib.py: what the benchmark reports share: the machine's
description and bar charts (gnuplot, log scale)."""
import os
import platform
import subprocess


def machine():
    """'Debian 12, Linux 6.1.0, 2 x AMD EPYC (x86_64)', from this machine."""
    distro = "Linux"
    try:
        rel = dict(l.strip().split("=", 1) for l in open("/etc/os-release") if "=" in l)
        distro = rel.get("NAME", "Linux").strip('"').split()[0] + " " + rel.get("VERSION_ID", "").strip('"')
    except OSError:
        pass
    model = platform.processor() or platform.machine()
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                     if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return "%s, Linux %s, %d x %s (%s)" % (distro, platform.release().split("-")[0],
                                         os.cpu_count(), model, platform.machine())


def bar_chart(png, data, bars, title, digits, size=(1100, 520), font=8):
    """Write bars, (label, value in ms) pairs with "\\n" for line breaks in
    labels, to the file data and draw them into png."""
    with open(data, "w") as f:
        for label, value in bars:
            f.write('"%s" %.4f\n' % (label, value))
    gp = """set terminal pngcairo size %d,%d font "sans,10"
set output "%s"
set title "%s"
set ylabel "ms (log scale)"
set logscale y
set style fill solid 0.8
set boxwidth 0.6
set grid ytics
set xtics font "sans,%d"
set key off
set bmargin %d
plot "%s" using 0:2:xtic(1) with boxes lc rgb "#3b75af", "" using 0:2:(sprintf("%%.%df", $2)) with labels offset 0,0.8
""" % (size[0], size[1], png, title, font, 5 if font >= 8 else 6, data, digits)
    subprocess.run(["gnuplot"], input=gp.encode(), check=True)
