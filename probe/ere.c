/*
 * ere.c: a POSIX ERE parser and a Thompson NFA to match it. Backslash
 * escapes are RE2's (Go's regexp, what blackbox_exporter and most
 * health-check configs are written for), which POSIX leaves undefined:
 * \d \s \w and their negations (ASCII, also inside [ ]), \b \B, \A \z,
 * \t \n \r \f \v \a, \xHH, and a backslash before punctuation for the
 * character itself; any other backslash-letter is refused.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ere.h"

#define ERE_DUP_MAX 255	/* RE_DUP_MAX: the largest count in {m,n} */
#define ERE_NODES_MAX 1024
#define ERE_DEPTH_MAX 64	/* ( ) nested */
#define ERE_WORK_MAX (16L * ERE_PROG_MAX)	/* nodes visited to compile */

enum ere_op { OP_BYTE, OP_ANY, OP_SET, OP_BOL, OP_EOL, OP_WORDB, OP_NWORDB,
	OP_SPLIT, OP_JMP, OP_MATCH };

struct ere_inst {
	unsigned char op;
	unsigned char c;
	int x, y;		/* jump targets; x: the set of OP_SET */
};

enum node_type { N_EMPTY, N_BYTE, N_ANY, N_SET, N_BOL, N_EOL, N_WORDB, N_NWORDB,
	N_CAT, N_ALT, N_REP };

struct node {
	unsigned char type, c;
	int a, b;		/* children; a: the set of N_SET */
	int min, max;		/* N_REP; max -1: no bound */
};

struct parser {
	const char *p;
	struct node nodes[ERE_NODES_MAX];
	int n;
	struct ere *e;
	const char *err;
	int depth;
};

static int parse_alt(struct parser *);

static int
node_new(struct parser *ps, int type, int a, int b)
{
	struct node *nd;

	if (ps->n == ERE_NODES_MAX) {
		ps->err = "too long a pattern";
		return -1;
	}
	nd = &ps->nodes[ps->n];
	memset(nd, 0, sizeof(*nd));
	nd->type = (unsigned char)type;
	nd->a = a;
	nd->b = b;
	return ps->n++;
}

static int
set_new(struct parser *ps)
{
	struct ere *e = ps->e;
	void *s;

	if ((s = realloc(e->sets, (size_t)(e->nsets + 1) * sizeof(*e->sets))) == NULL) {
		ps->err = "out of memory";
		return -1;
	}
	e->sets = s;
	memset(e->sets[e->nsets], 0, sizeof(*e->sets));
	return e->nsets++;
}

static void
set_add(unsigned char *set, int c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* [:name:] into set; returns 0, or -1 for an unknown class. */
static int
bracket_class(const char *name, size_t len, unsigned char *set)
{
	static const char *const names[] = { "alpha", "digit", "alnum", "upper",
	    "lower", "space", "blank", "punct", "print", "graph", "cntrl", "xdigit" };
	int (*const is[])(int) = { isalpha, isdigit, isalnum, isupper, islower,
	    isspace, isblank, ispunct, isprint, isgraph, iscntrl, isxdigit };
	size_t k;
	int c;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == len && memcmp(names[k], name, len) == 0) {
			for (c = 1; c < 128; c++)
				if (is[k](c))
					set_add(set, c);
			return 0;
		}
	return -1;
}

/* \d \D \s \S \w \W: RE2's ASCII classes. Returns 1 and adds the
 * class of c to set, or 0 if c names none. */
static int
class_escape(char c, unsigned char *set)
{
	unsigned char cls[32];
	int ch, k;

	memset(cls, 0, sizeof(cls));
	switch (c | 0x20) {
	case 'd':
		for (ch = '0'; ch <= '9'; ch++)
			set_add(cls, ch);
		break;
	case 's':	/* RE2's: no \v, unlike [[:space:]] */
		set_add(cls, ' ');
		set_add(cls, '\t');
		set_add(cls, '\n');
		set_add(cls, '\f');
		set_add(cls, '\r');
		break;
	case 'w':
		for (ch = 0; ch < 128; ch++)
			if (isalnum(ch) || ch == '_')
				set_add(cls, ch);
		break;
	default:
		return 0;
	}
	for (k = 0; k < 32; k++)
		set[k] |= (unsigned char)(c >= 'a' ? cls[k] : ~cls[k]);
	return 1;
}

static int
hex_digit(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (c | 0x20) - 'a' + 10 : -1;
}

/*
 * After a backslash, not a class: the byte it stands for (\t, \xHH, \.),
 * with ps->p past it, or -1 with ps->err (a letter or digit that is no
 * escape of RE2's).
 */
static int
byte_escape(struct parser *ps)
{
	static const char from[] = "tnrfva", to[] = "\t\n\r\f\v\a";
	const char *k;
	int c = (unsigned char)*ps->p++, hi, lo;

	if (c != '\0' && (k = strchr(from, c)) != NULL)
		return to[k - from];
	if (c == 'x' && (hi = hex_digit((unsigned char)ps->p[0])) >= 0 &&
	    (lo = hex_digit((unsigned char)ps->p[1])) >= 0) {
		ps->p += 2;
		return hi * 16 + lo;
	}
	if (isalnum(c) || c >= 0x80) {
		ps->err = c >= '1' && c <= '9' ? "back-references are not supported" :
		    "unknown escape (use \\d \\D \\s \\S \\w \\W \\b \\B \\A \\z "
		    "\\t \\n \\r \\f \\v \\xHH, or \\ before punctuation for itself)";
		return -1;
	}
	return c;
}

/* After '[': the bracket expression up to its ']'. */
static int
parse_bracket(struct parser *ps)
{
	int s, neg = 0, first = 1, lo, hi, c;
	unsigned char *set;
	const char *end;

	if ((s = set_new(ps)) < 0)
		return -1;
	set = ps->e->sets[s];
	if (*ps->p == '^')
		neg = 1, ps->p++;
	for (; *ps->p != ']' || first; first = 0) {
		if (*ps->p == '\0')
			return ps->err = "unmatched [ or ]", -1;
		if (ps->p[0] == '[' && (ps->p[1] == '.' || ps->p[1] == '='))
			return ps->err = "collating elements ([. .], [= =]) are not supported", -1;
		if (ps->p[0] == '[' && ps->p[1] == ':') {
			if ((end = strstr(ps->p + 2, ":]")) == NULL ||
			    bracket_class(ps->p + 2, (size_t)(end - ps->p - 2), set) != 0)
				return ps->err = "unknown character class", -1;
			ps->p = end + 2;
			continue;
		}
		if (ps->p[0] == '\\') {
			if (ps->p[1] == '\0')
				return ps->err = "unmatched [ or ]", -1;
			if (class_escape(ps->p[1], set)) {
				ps->p += 2;
				continue;
			}
			ps->p++;
			if ((lo = byte_escape(ps)) < 0)
				return -1;
		} else
			lo = (unsigned char)*ps->p++;
		hi = lo;
		if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != '\0') {
			if (ps->p[1] == '\\') {
				ps->p += 2;
				if (*ps->p == '\0' || class_escape(*ps->p, set))
					return ps->err = "invalid range in [ ]", -1;
				if ((hi = byte_escape(ps)) < 0)
					return -1;
			} else {
				hi = (unsigned char)ps->p[1];
				ps->p += 2;
			}
			if (hi < lo)
				return ps->err = "invalid range in [ ]", -1;
		}
		for (c = lo; c <= hi; c++)
			set_add(set, c);
	}
	ps->p++;
	if (neg)
		for (c = 0; c < 32; c++)
			set[c] = (unsigned char)~set[c];
	return node_new(ps, N_SET, s, 0);
}

/* After a backslash outside [ ]: a class, an assertion or a byte. */
static int
parse_escape(struct parser *ps)
{
	int c = (unsigned char)*ps->p, s, n;

	if (c == '\0')
		return ps->err = "a backslash at the end", -1;
	if (c == 'b' || c == 'B' || c == 'A' || c == 'z') {
		ps->p++;
		return node_new(ps, c == 'b' ? N_WORDB : c == 'B' ? N_NWORDB :
		    c == 'A' ? N_BOL : N_EOL, 0, 0);
	}
	if (strchr("dDsSwW", c) != NULL) {
		ps->p++;
		if ((s = set_new(ps)) < 0)
			return -1;
		class_escape((char)c, ps->e->sets[s]);
		return node_new(ps, N_SET, s, 0);
	}
	if ((c = byte_escape(ps)) < 0)
		return -1;
	if ((n = node_new(ps, N_BYTE, 0, 0)) >= 0)
		ps->nodes[n].c = (unsigned char)c;
	return n;
}

static int
parse_atom(struct parser *ps)
{
	int c = (unsigned char)*ps->p++, n;

	switch (c) {
	case '(':
		if (++ps->depth > ERE_DEPTH_MAX)
			return ps->err = "( ) nested too deeply", -1;
		if ((n = parse_alt(ps)) < 0)
			return -1;
		if (*ps->p++ != ')')
			return ps->err = "unmatched ( or )", -1;
		ps->depth--;
		return n;
	case '[':
		return parse_bracket(ps);
	case '.':
		return node_new(ps, N_ANY, 0, 0);
	case '^':
		return node_new(ps, N_BOL, 0, 0);
	case '$':
		return node_new(ps, N_EOL, 0, 0);
	case '*': case '+': case '?':
		return ps->err = "*, + or ? with nothing before it", -1;
	case '\\':
		return parse_escape(ps);
	default:
		break;
	}
	if ((n = node_new(ps, N_BYTE, 0, 0)) >= 0)
		ps->nodes[n].c = (unsigned char)c;
	return n;
}

/* A count of {m,n}: 0 to ERE_DUP_MAX; -1 if none is there. */
static int
parse_count(struct parser *ps)
{
	int v = 0;

	if (!isdigit((unsigned char)*ps->p))
		return -1;
	while (isdigit((unsigned char)*ps->p) && v <= ERE_DUP_MAX)
		v = v * 10 + (*ps->p++ - '0');
	return v;
}

/* After '{': "m}", "m,}" or "m,n}" into min and max. */
static int
parse_bound(struct parser *ps, int *min, int *max)
{
	if ((*min = parse_count(ps)) < 0)
		return -1;
	*max = *min;
	if (*ps->p == ',') {
		ps->p++;
		*max = *ps->p == '}' ? -1 : parse_count(ps);
		if (*ps->p != '}' || (*max != -1 && *max < *min))
			return -1;
	}
	if (*ps->p++ != '}' || *min > ERE_DUP_MAX || *max > ERE_DUP_MAX)
		return -1;
	return 0;
}

static int
parse_repeat(struct parser *ps)
{
	int n = parse_atom(ps), r, min, max;

	while (n >= 0 && (*ps->p == '*' || *ps->p == '+' || *ps->p == '?' ||
	    *ps->p == '{')) {
		min = *ps->p == '+' ? 1 : 0;
		max = *ps->p == '?' ? 1 : -1;
		if (*ps->p++ == '{' && parse_bound(ps, &min, &max) != 0)
			return ps->err = "invalid count in { }", -1;
		if ((r = node_new(ps, N_REP, n, 0)) < 0)
			return -1;
		ps->nodes[r].min = min;
		ps->nodes[r].max = max;
		n = r;
	}
	return n;
}

static int
parse_concat(struct parser *ps)
{
	int n = -2, m;

	while (*ps->p != '\0' && *ps->p != '|' && *ps->p != ')') {
		if ((m = parse_repeat(ps)) < 0)
			return -1;
		n = n == -2 ? m : node_new(ps, N_CAT, n, m);
		if (n < 0)
			return -1;
	}
	return n == -2 ? node_new(ps, N_EMPTY, 0, 0) : n;
}

static int
parse_alt(struct parser *ps)
{
	int n = parse_concat(ps), m;

	while (n >= 0 && *ps->p == '|') {
		ps->p++;
		if ((m = parse_concat(ps)) < 0)
			return -1;
		n = node_new(ps, N_ALT, n, m);
	}
	return n;
}

static int
emit(struct ere *e, int op, int c, int x, int y)
{
	if (e->n == ERE_PROG_MAX)
		return -1;
	e->prog[e->n].op = (unsigned char)op;
	e->prog[e->n].c = (unsigned char)c;
	e->prog[e->n].x = x;
	e->prog[e->n].y = y;
	return e->n++;
}

struct gen {
	struct ere *e;
	const struct node *nodes;
	long work;	/* nodes visited: {m,n} of empty groups emit nothing */
};

/* The program for node i, appended; returns 0 or -1 (too large, or too
 * much work for its size). */
static int
gen(struct gen *g, int i)
{
	struct ere *e = g->e;
	const struct node *nd = &g->nodes[i];
	int k, at, first;

	if (++g->work > ERE_WORK_MAX)
		return -1;
	switch (nd->type) {
	case N_EMPTY:
		return 0;
	case N_BYTE:
		return emit(e, OP_BYTE, nd->c, 0, 0) < 0 ? -1 : 0;
	case N_ANY:
		return emit(e, OP_ANY, 0, 0, 0) < 0 ? -1 : 0;
	case N_SET:
		return emit(e, OP_SET, 0, nd->a, 0) < 0 ? -1 : 0;
	case N_BOL:
		return emit(e, OP_BOL, 0, 0, 0) < 0 ? -1 : 0;
	case N_EOL:
		return emit(e, OP_EOL, 0, 0, 0) < 0 ? -1 : 0;
	case N_WORDB:
		return emit(e, OP_WORDB, 0, 0, 0) < 0 ? -1 : 0;
	case N_NWORDB:
		return emit(e, OP_NWORDB, 0, 0, 0) < 0 ? -1 : 0;
	case N_CAT:
		return gen(g, nd->a) != 0 ? -1 : gen(g, nd->b);
	case N_ALT:
		if ((at = emit(e, OP_SPLIT, 0, e->n + 1, 0)) < 0 || gen(g, nd->a) != 0 ||
		    (k = emit(e, OP_JMP, 0, 0, 0)) < 0)
			return -1;
		e->prog[at].y = e->n;
		if (gen(g, nd->b) != 0)
			return -1;
		e->prog[k].x = e->n;
		return 0;
	default:
		break;
	}
	for (k = 0; k < nd->min; k++)	/* N_REP: min copies, then the rest */
		if (gen(g, nd->a) != 0)
			return -1;
	if (nd->max == -1) {
		if ((at = emit(e, OP_SPLIT, 0, e->n + 1, 0)) < 0 || gen(g, nd->a) != 0 ||
		    emit(e, OP_JMP, 0, at, 0) < 0)
			return -1;
		e->prog[at].y = e->n;
		return 0;
	}
	for (first = e->n, k = nd->min; k < nd->max; k++)
		if (emit(e, OP_SPLIT, 0, e->n + 1, -1) < 0 || gen(g, nd->a) != 0)
			return -1;
	for (k = first; k < e->n; k++)	/* each optional copy may end it all */
		if (e->prog[k].op == OP_SPLIT && e->prog[k].y == -1)
			e->prog[k].y = e->n;
	return 0;
}

int
ere_compile(struct ere *e, const char *pattern, char *err, size_t errlen)
{
	struct parser *ps;
	struct gen g;
	int root, r = -1;

	memset(e, 0, sizeof(*e));
	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (e->prog = calloc(ERE_PROG_MAX, sizeof(*e->prog))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ps->p = pattern;
	ps->e = e;
	if ((root = parse_alt(ps)) >= 0 && *ps->p == ')')
		ps->err = "unmatched ( or )";
	if (root < 0 || ps->err != NULL)
		snprintf(err, errlen, "%s", ps->err ? ps->err : "invalid pattern");
	else if ((g.e = e, g.nodes = ps->nodes, g.work = 0, gen(&g, root)) != 0 ||
	    emit(e, OP_MATCH, 0, 0, 0) < 0)
		snprintf(err, errlen, "too large a pattern (at most %d steps, "
		    "counted {m,n} copies included)", ERE_PROG_MAX);
	else
		r = 0;
out:
	free(ps);
	return r;
}

struct threads {
	int *pc;
	int n;
};

/*
 * Add the thread at pc, and all it reaches without reading a byte, to
 * list (once per step: mark[pc] == step). Returns 1 when MATCH is reached.
 */
static int
is_word(int c)
{
	return isalnum(c) || c == '_';
}

/* 1 if position i of text (len bytes) is a word boundary: a word byte on
 * one side of it and not on the other (ASCII, as RE2's \b). */
static int
word_boundary(const char *text, size_t i, size_t len)
{
	int before = i > 0 && is_word((unsigned char)text[i - 1]);
	int after = i < len && is_word((unsigned char)text[i]);

	return before != after;
}

static int
follow(const struct ere *e, struct threads *list, int *stack, unsigned *mark,
    unsigned step, int pc, const char *text, size_t i, size_t len)
{
	const struct ere_inst *in;
	int top = 0;

	stack[top++] = pc;
	while (top > 0) {
		pc = stack[--top];
		if (mark[pc] == step)
			continue;
		mark[pc] = step;
		in = &e->prog[pc];
		switch (in->op) {
		case OP_MATCH:
			return 1;
		case OP_JMP:
			stack[top++] = in->x;
			break;
		case OP_SPLIT:
			stack[top++] = in->y;
			stack[top++] = in->x;
			break;
		case OP_BOL:
			if (i == 0)
				stack[top++] = pc + 1;
			break;
		case OP_EOL:
			if (i == len)
				stack[top++] = pc + 1;
			break;
		case OP_WORDB:
		case OP_NWORDB:
			if (word_boundary(text, i, len) == (in->op == OP_WORDB))
				stack[top++] = pc + 1;
			break;
		default:
			list->pc[list->n++] = pc;
			break;
		}
	}
	return 0;
}

static int
step_ok(const struct ere *e, const struct ere_inst *in, unsigned char c)
{
	switch (in->op) {
	case OP_BYTE:
		return c == in->c;
	case OP_ANY:
		return 1;
	default:
		return (e->sets[in->x][c >> 3] >> (c & 7)) & 1;
	}
}

int
ere_match(const struct ere *e, const char *text, size_t len)
{
	struct threads a, b, *cur = &a, *next = &b, *t;
	unsigned *mark = calloc((size_t)e->n, sizeof(*mark)), step = 1;
	int *stack = malloc(((size_t)e->n * 2 + 1) * sizeof(*stack)), k, r = -1;
	size_t i;

	a.pc = malloc((size_t)e->n * sizeof(int));
	b.pc = malloc((size_t)e->n * sizeof(int));
	if (mark == NULL || stack == NULL || a.pc == NULL || b.pc == NULL)
		goto out;
	a.n = b.n = 0;
	r = 1;
	for (i = 0;; i++, step++) {
		/* A new start at every byte: the match may begin anywhere. */
		if (follow(e, cur, stack, mark, step, 0, text, i, len))
			goto out;
		if (i == len)
			break;
		next->n = 0;
		for (k = 0; k < cur->n; k++)
			if (step_ok(e, &e->prog[cur->pc[k]], (unsigned char)text[i]) &&
			    follow(e, next, stack, mark, step + 1, cur->pc[k] + 1, text, i + 1, len))
				goto out;
		t = cur, cur = next, next = t;
	}
	r = 0;
out:
	free(mark);
	free(stack);
	free(a.pc);
	free(b.pc);
	return r;
}

void
ere_free(struct ere *e)
{
	free(e->prog);
	free(e->sets);
	memset(e, 0, sizeof(*e));
}
