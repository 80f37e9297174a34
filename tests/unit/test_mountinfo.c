#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "mountinfo.h"

static char *
copy(const char *s)
{
	char *d = strdup(s);

	cr_assert_not_null(d);
	return d;
}

Test(mountinfo, parses_a_line_with_optional_fields)
{
	char *line = copy("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - "
	    "ext3 /dev/root rw,errors=continue");
	struct mount_entry e;

	cr_assert_eq(mountinfo_parse_line(line, &e), 0);
	cr_expect_eq(e.id, 36);
	cr_expect_eq(e.parent, 35);
	cr_expect_eq(e.major, 98);
	cr_expect_eq(e.minor, 0);
	cr_expect_str_eq(e.root, "/mnt1");
	cr_expect_str_eq(e.mount_point, "/mnt2");
	cr_expect_str_eq(e.options, "rw,noatime");
	cr_expect_str_eq(e.fstype, "ext3");
	cr_expect_str_eq(e.source, "/dev/root");
	cr_expect_str_eq(e.super_options, "rw,errors=continue");
	cr_expect_not(mount_is_readonly(&e));
	free(line);
}

Test(mountinfo, decodes_octal_escapes)
{
	char *line = copy("100 1 0:50 / /mnt/my\\040data\\011x\\134y rw - "
	    "fuse.sshfs user@host:/a\\040b rw");
	struct mount_entry e;

	cr_assert_eq(mountinfo_parse_line(line, &e), 0);
	cr_expect_str_eq(e.mount_point, "/mnt/my data\tx\\y");
	cr_expect_str_eq(e.source, "user@host:/a b");
	cr_expect_str_eq(e.fstype, "fuse.sshfs");
	free(line);
}

Test(mountinfo, readonly_per_mount_or_superblock)
{
	char *a = copy("1 0 8:1 / /a ro,relatime - ext4 /dev/sda1 rw");
	char *b = copy("2 0 8:1 / /b rw - ext4 /dev/sda1 ro,data=ordered");
	char *c = copy("3 0 8:1 / /c rw,nosuid - ext4 /dev/sda1 rw,errors=remount-ro");
	struct mount_entry e;

	cr_assert_eq(mountinfo_parse_line(a, &e), 0);
	cr_expect(mount_is_readonly(&e));
	cr_assert_eq(mountinfo_parse_line(b, &e), 0);
	cr_expect(mount_is_readonly(&e));
	cr_assert_eq(mountinfo_parse_line(c, &e), 0);
	cr_expect_not(mount_is_readonly(&e));
	free(a);
	free(b);
	free(c);
}

Test(mountinfo, rejects_malformed_lines)
{
	static const char *const bad[] = {
		"",
		"x 1 8:1 / / rw - ext4 /dev/sda1 rw",
		"1 1 81 / / rw - ext4 /dev/sda1 rw",
		"1 1 8:1 / relative rw - ext4 /dev/sda1 rw",
		"1 1 8:1 / / rw shared:1 ext4 /dev/sda1 rw",
		"1 1 8:1 / / rw -",
		"1 1 8:1 / / rw - ext4",
		"1 1 8:1 / / rw - ext4 /dev/sda1",
		"1 1 8:x / / rw - ext4 /dev/sda1 rw",
		"99999999999 1 8:1 / / rw - ext4 /dev/sda1 rw",
	};
	struct mount_entry e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *line = copy(bad[i]);

		cr_expect_eq(mountinfo_parse_line(line, &e), -1, "accepted: %s", bad[i]);
		free(line);
	}
}

static const char table[] =
    "21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "22 21 0:20 / /proc rw,nosuid shared:2 - proc proc rw\n"
    "30 21 8:17 / /data rw,relatime shared:3 - xfs /dev/sdb1 rw\n"
    "31 21 8:1 /srv/config /etc/app ro,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "32 21 0:40 / /database rw - tmpfs tmpfs rw\n";

static int
find(const char *text, const char *path, struct mount_entry *e, char **buf)
{
	int bad;

	*buf = copy(text);
	return mountinfo_walk(*buf, path, e, &bad);
}

Test(mountinfo, finds_the_mount_point_itself)
{
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(table, "/data", &e, &buf), 1);
	cr_expect_str_eq(e.fstype, "xfs");
	cr_expect_str_eq(e.source, "/dev/sdb1");
	free(buf);
}

Test(mountinfo, a_directory_below_a_mount_is_not_a_mount_point)
{
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(table, "/data/pod-0", &e, &buf), 0);
	cr_expect_str_eq(e.mount_point, "/data");
	free(buf);
	cr_expect_eq(find(table, "/srv", &e, &buf), 0);
	cr_expect_str_eq(e.mount_point, "/");
	cr_expect_str_eq(e.fstype, "ext4");
	free(buf);
}

Test(mountinfo, a_prefix_is_not_a_parent)
{
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(table, "/dat", &e, &buf), 0);
	cr_expect_str_eq(e.mount_point, "/");
	free(buf);
	cr_expect_eq(find(table, "/database", &e, &buf), 1);
	cr_expect_str_eq(e.fstype, "tmpfs");
	free(buf);
}

Test(mountinfo, bind_mount_reports_its_root)
{
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(table, "/etc/app", &e, &buf), 1);
	cr_expect_str_eq(e.root, "/srv/config");
	cr_expect(mount_is_readonly(&e));
	free(buf);
}

Test(mountinfo, the_last_mount_on_a_path_wins)
{
	static const char over[] =
	    "21 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "30 21 8:17 / /data rw - xfs /dev/sdb1 rw\n"
	    "40 30 0:50 / /data ro - tmpfs tmpfs rw\n";
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(over, "/data", &e, &buf), 1);
	cr_expect_str_eq(e.fstype, "tmpfs");
	cr_expect(mount_is_readonly(&e));
	free(buf);
}

Test(mountinfo, a_later_mount_on_a_parent_hides_the_path)
{
	static const char hidden[] =
	    "21 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "30 21 8:17 / /srv/data rw - xfs /dev/sdb1 rw\n"
	    "40 21 0:50 / /srv rw - tmpfs tmpfs rw\n";
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(hidden, "/srv/data", &e, &buf), 0);
	cr_expect_str_eq(e.mount_point, "/srv");
	free(buf);
}

/* Since Linux 6.8 the lines come in the order the mounts were made: /proc
 * and a volume moved into place (mount --move) before their parents. */
Test(mountinfo, a_mount_listed_before_its_parent)
{
	static const char moved[] =
	    "22 25 0:20 / /proc rw,nosuid - proc proc rw\n"
	    "23 26 0:50 / /var/lib/app rw - tmpfs vol rw\n"
	    "25 1 8:1 / / rw - ext4 /dev/vda rw\n"
	    "26 25 0:60 / /var/lib rw - tmpfs lib rw\n";
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(moved, "/proc", &e, &buf), 1);
	cr_expect_str_eq(e.fstype, "proc");
	free(buf);
	cr_expect_eq(find(moved, "/var/lib/app", &e, &buf), 1);
	cr_expect_str_eq(e.source, "vol");
	free(buf);
	cr_expect_eq(find(moved, "/var/lib/app/x", &e, &buf), 0);
	cr_expect_eq(e.id, 23);
	free(buf);
	cr_expect_eq(find(moved, "/var/lib/other", &e, &buf), 0);
	cr_expect_eq(e.id, 26);
	free(buf);
}

/* Propagation made 41 under 40's parent after 40 was mounted over it: its
 * line names the exact path, and it cannot be reached. */
Test(mountinfo, a_hidden_mount_listed_last_under_the_path)
{
	static const char hidden[] =
	    "21 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "30 21 0:40 / /t/dst rw shared:1 - tmpfs src rw\n"
	    "40 30 0:50 / /t/dst rw - tmpfs top rw\n"
	    "41 30 0:51 / /t/dst/sub rw - tmpfs hidden rw\n";
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(hidden, "/t/dst/sub", &e, &buf), 0);
	cr_expect_eq(e.id, 40);
	cr_expect_str_eq(e.source, "top");
	free(buf);
}

Test(mountinfo, a_table_without_a_mount_for_the_path)
{
	char *buf = copy("30 21 0:40 / /data rw - tmpfs tmpfs rw\n");
	struct mount_entry e;
	int bad = 7;

	cr_expect_eq(mountinfo_walk(buf, "/srv", &e, &bad), -1);
	cr_expect_eq(bad, 0);
	free(buf);
}

Test(mountinfo, a_cycle_of_parents_ends)
{
	static const char cycle[] =
	    "21 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "30 31 0:40 / /a rw - tmpfs a rw\n"
	    "31 30 0:41 / /a rw - tmpfs b rw\n"
	    "32 21 0:42 / /a rw - tmpfs c rw\n";
	struct mount_entry e;
	char *buf;

	cr_expect_eq(find(cycle, "/a/x", &e, &buf), 0);
	cr_expect_eq(e.id, 32);
	free(buf);
}

Test(mountinfo, by_id)
{
	struct mount_entry e;
	char *buf = copy(table);
	int bad;

	cr_expect_eq(mountinfo_by_id(buf, 31, &e, &bad), 1);
	cr_expect_str_eq(e.mount_point, "/etc/app");
	cr_expect_str_eq(e.root, "/srv/config");
	free(buf);
	buf = copy(table);
	cr_expect_eq(mountinfo_by_id(buf, 99, &e, &bad), 0);
	free(buf);
	buf = copy("21 1 8:1 / / rw - ext4 /dev/sda1 rw\nbroken\n");
	cr_expect_eq(mountinfo_by_id(buf, 99, &e, &bad), -1);
	cr_expect_eq(bad, 2);
	free(buf);
}

Test(mountinfo, reports_the_malformed_line)
{
	char *buf = copy("21 1 8:1 / / rw - ext4 /dev/sda1 rw\ngarbage\n");
	struct mount_entry e;
	int bad = 0;

	cr_expect_eq(mountinfo_walk(buf, "/", &e, &bad), -1);
	cr_expect_eq(bad, 2);
	free(buf);
}

Test(mountinfo, reads_this_process_table)
{
	char err[200], *text;
	struct mount_entry e;
	int bad;

	text = mountinfo_read("/proc/self/mountinfo", err, sizeof(err));
	cr_assert_not_null(text, "%s", err);
	cr_expect_eq(mountinfo_walk(text, "/", &e, &bad), 1);
	free(text);
	cr_expect_null(mountinfo_read("/nonexistent/mountinfo", err, sizeof(err)));
	cr_expect_str_eq(err,
	    "/nonexistent/mountinfo: cannot open: no such file or directory (ENOENT)");
}
