#!/usr/bin/env python3
"""sbom.py OUT BINARY MAP ARCH SRC LIB...: the CycloneDX 1.5 SBOM of a
static probe, from what the linker took (its map file, MAP).
sbom.py --built-using SBOM: the Built-Using field for a Debian package.

Every archive and object file the link pulled members from becomes a
component: the libraries build-static.sh built from Debian source
packages (LIB: NAME=DEBIAN_VERSION=ORIG_TARBALL=SHA256, with the
unpacked sources, Debian's patch series among them, under SRC/NAME), and
the files of Debian binary packages (musl, libgcc, inih), found with
dpkg. A linked file that belongs to neither is an error: the SBOM lists
all or nothing. The output is reproducible: no paths, no clock (the time
is SOURCE_DATE_EPOCH), a serial number derived from the binary's hash.
"""
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid

# What each built library is, and the archives it installs.
BUILT = {
    "curl": {"license": "curl", "archives": ["libcurl.a"],
             "url": "https://curl.se/"},
    "mbedtls": {"license": "Apache-2.0 OR GPL-2.0-or-later",
                "archives": ["libmbedtls.a", "libmbedx509.a", "libmbedcrypto.a"],
                "url": "https://www.trustedfirmware.org/projects/mbed-tls/"},
    "nghttp2": {"license": "MIT", "archives": ["libnghttp2.a"],
                "url": "https://nghttp2.org/"},
    "libmicrohttpd": {"license": "LGPL-2.1-or-later", "archives": ["libmicrohttpd.a"],
                      "url": "https://www.gnu.org/software/libmicrohttpd/"},
    "cjson": {"license": "MIT", "archives": ["libcjson.a"],
              "url": "https://github.com/DaveGamble/cJSON"},
}
# Licenses of the Debian source packages whose files are linked in.
DEB_LICENSES = {
    "musl": "MIT",
    "libinih": "BSD-3-Clause",
    "gcc-12": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "gcc-12-cross": "GPL-3.0-or-later WITH GCC-exception-3.1",
}


def release_name(arch):
    """The release binary's suffix of arch, from scripts/arches."""
    out = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "arch.sh"),
                          "release", arch], capture_output=True, text=True)
    if out.returncode != 0:
        die(out.stderr.strip())
    return out.stdout.strip()


def die(msg):
    sys.exit("sbom: " + msg)


def digest(path, alg):
    h = hashlib.new(alg)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def sha256(path):
    return digest(path, "sha256")


def sha512_hashes(paths):
    """BSI TR-03183-2 wants a SHA-512 of each component: of each file that
    went into the binary (a source tarball, an archive linked)."""
    return [{"alg": "SHA-512", "content": digest(p, "sha512")} for p in paths]


def filenames(paths):
    return [{"name": "bsi:component:filename", "value": os.path.basename(p)} for p in paths]


def linked_files(map_path):
    """The archives the link took members from, and the object files it
    loaded, from a GNU ld map file."""
    files = set()
    with open(map_path) as f:
        for line in f:
            m = re.match(r"^(/\S+\.a)\(", line)
            if m:
                files.add(os.path.realpath(m[1]))
            m = re.match(r"^LOAD (/\S+\.o)$", line.rstrip("\n"))
            if m:
                files.add(os.path.realpath(m[1]))
    return files


def manifest_owner(path):
    """(package, version, source, source version) of a file unpacked into a
    sysroot by scripts/apt-target.sh, from its manifest, or None."""
    manifest = os.environ.get("SBOM_MANIFEST")
    if not manifest:
        return None
    real = os.path.realpath(path)
    with open(manifest) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 5 and os.path.realpath(fields[0]) == real:
                return tuple(fields[1:])
    return None


def dpkg_owner(path):
    """(binary package, its version, source package) owning path."""
    known = manifest_owner(path)
    if known:
        return known
    out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if out.returncode != 0:
        # dpkg knows files by the path they were installed as.
        for alt in (path.replace("/usr/lib/", "/lib/", 1),):
            out = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
            if out.returncode == 0:
                break
        else:
            die(f"{path} is linked in, but no Debian package owns it")
    pkg = out.stdout.split(": ")[0].split(",")[0]
    q = subprocess.run(["dpkg-query", "-W", "-f=${Version}\t${source:Package}\t${source:Version}",
                        pkg], capture_output=True, text=True, check=True)
    version, source, source_version = q.stdout.split("\t")
    return pkg, version, source, source_version


def patches(src_dir, series="series"):
    """The patches a series file of SRC_DIR/debian/patches names: Debian's
    (series), or ours from scripts/patches (probe-series)."""
    series = os.path.join(src_dir, "debian", "patches", series)
    if not os.path.exists(series):
        return []
    with open(series) as f:
        return [p.split()[0] for p in f if p.strip() and not p.startswith("#")]


def built_component(spec, src_root, files):
    name, debver, orig, orig_sha = spec.split("=")
    meta = BUILT[name]
    upstream = re.sub(r"^\d+:", "", debver).rsplit("-", 1)[0]
    archives = sorted(f for f in files if os.path.basename(f) in meta["archives"])
    if not archives:
        return None, set()
    props = [{"name": "debian:source-version", "value": debver},
             {"name": "debian:source-archive", "value": orig}]
    props += [{"name": "debian:patch", "value": p}
              for p in patches(os.path.join(src_root, name))]
    props += [{"name": "probe:patch", "value": "scripts/patches/%s/%s" % (name, p)}
              for p in patches(os.path.join(src_root, name), "probe-series")]
    props += [{"name": "probe:linked", "value": f"{os.path.basename(a)} sha256:{sha256(a)}"}
              for a in archives]
    props += filenames(archives)
    tarball = os.path.join(os.environ.get("SBOM_SOURCES", src_root), orig)
    if not os.path.exists(tarball):
        die(f"{tarball}: the source tarball of {name} is missing (set SBOM_SOURCES)")
    return {
        "type": "library",
        "bom-ref": f"pkg:deb/debian/{name}@{debver}?arch=source",
        "name": name,
        "version": upstream,
        "purl": f"pkg:deb/debian/{name}@{debver}?arch=source",
        "licenses": [{"expression": meta["license"]}],
        "hashes": [{"alg": "SHA-256", "content": orig_sha}] + sha512_hashes([tarball] + archives),
        "externalReferences": [{"type": "website", "url": meta["url"]}],
        "properties": props,
    }, set(archives)


def debian_components(files):
    """Components for the files that came from Debian binary packages,
    one per source package."""
    by_source = {}
    for f in sorted(files):
        pkg, version, source, source_version = dpkg_owner(f)
        c = by_source.setdefault(source, {"pkg": pkg, "version": version,
                                          "source_version": source_version, "files": []})
        c["files"].append(f)
    comps = []
    for source, c in sorted(by_source.items()):
        if source not in DEB_LICENSES:
            die(f"no license known for Debian source package {source} "
                f"({', '.join(c['files'])}): add it to DEB_LICENSES")
        name, _, arch = c["pkg"].partition(":")
        ref = f"pkg:deb/debian/{name}@{c['version']}" + (f"?arch={arch}" if arch else "")
        comps.append({
            "type": "library",
            "bom-ref": ref,
            "name": source,
            "version": re.sub(r"^\d+:", "", c["version"]).rsplit("-", 1)[0],
            "purl": ref,
            "licenses": [{"expression": DEB_LICENSES[source]}],
            "hashes": sha512_hashes(c["files"]),
            "properties": filenames(c["files"]) + [{"name": "debian:package", "value": c["pkg"]},
                           {"name": "debian:version", "value": c["version"]},
                           {"name": "debian:source-version", "value": c["source_version"]}] +
                          [{"name": "probe:linked",
                            "value": f"{os.path.basename(f)} sha256:{sha256(f)}"}
                           for f in c["files"]],
        })
    return comps


def built_using(path):
    """The Built-Using field of a Debian package holding the binary of the
    SBOM at path: every Debian source package compiled into it."""
    with open(path) as f:
        bom = json.load(f)
    out = []
    for c in bom["components"]:
        v = [p["value"] for p in c.get("properties", []) if p["name"] == "debian:source-version"]
        if v:
            out.append(f"{c['name']} (= {v[0]})")
    print(", ".join(sorted(out)))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--built-using":
        return built_using(sys.argv[2])
    if len(sys.argv) < 6:
        die("usage: sbom.py OUT BINARY MAP ARCH SRC NAME=VERSION=ORIG=SHA256...")
    out, binary, map_path, arch, src_root = sys.argv[1:6]
    files = linked_files(map_path)
    own = {f for f in files if "/build/static/" in f and "/obj/" in f}
    rest = files - own
    comps = []
    for spec in sys.argv[6:]:
        comp, used = built_component(spec, src_root, rest)
        if comp:
            comps.append(comp)
            rest -= used
    comps += debian_components(rest)

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "probe", "probe.h")) as f:
        version = re.search(r'#define PROBE_VERSION "([^"]+)"', f.read())[1]
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:  # no git (an image build): the commit is not known
        commit = ""
    bin_sha256 = sha256(binary)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    probe = {
        "type": "application",
        "bom-ref": "probe",
        "name": "probe",
        "version": version,
        "licenses": [{"license": {"id": "MIT"}}],
        "hashes": [{"alg": "SHA-256", "content": bin_sha256},
                   {"alg": "SHA-512", "content": digest(binary, "sha512")}],
        # Its name as released (dist/, make release).
        "properties": [{"name": "bsi:component:filename", "value": "probe-linux-" +
                        release_name(arch)},
                       {"name": "bsi:component:executable", "value": "executable"},
                       {"name": "bsi:component:archive", "value": "no archive"},
                       {"name": "probe:arch", "value": arch},
                       {"name": "probe:linkage", "value": "static"}] +
                      ([{"name": "probe:commit", "value": commit}] if commit else []),
    }
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "probe:" + bin_sha256)),
        "version": 1,
        "metadata": {
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lifecycles": [{"phase": "build"}],
            "manufacturer": {"name": "The probe authors",
                             "url": ["https://github.com/probe-health/probe"]},
            "authors": [{"name": "The probe authors"}],
            "tools": {"components": [{"type": "application", "name": "probe scripts/sbom.py"}]},
            "component": probe,
        },
        "components": comps,
        "dependencies": [{"ref": "probe", "dependsOn": [c["bom-ref"] for c in comps]}] +
                        [{"ref": c["bom-ref"], "dependsOn": []} for c in comps],
    }
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(bom, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
