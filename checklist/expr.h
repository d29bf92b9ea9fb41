/*
 * expr.h - checklist expressions: syntax tree, parser and evaluator
 * (internal to checklist/).
 *
 * The language, as a checklist item writes it after the title's colon:
 *
 *   drift.count == 0
 *   plan.terraform_version ~ "1.9.*"
 *   count(changes where action != "no-op" and not type ~ "grafana_*") == 0
 *   none(changes where "tags.owner" in changed)
 *
 *   or_expr  := and_expr ("or" and_expr)*
 *   and_expr := not_expr ("and" not_expr)*
 *   not_expr := "not" not_expr | cmp
 *   cmp      := operand [("==" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~"
 *                        | "in" | "not" "in") operand]
 *   operand  := NUMBER | STRING | "true" | "false" | "null" | "[" literals "]"
 *             | NAME | "(" or_expr ")"
 *             | ("count" | "any" | "all" | "none") "(" COLLECTION ["where" or_expr] ")"
 *
 * A dotted NAME is a fact (facts_catalog.h); inside `where`, a bare NAME is
 * a field of the collection's element. Names and types are resolved while
 * parsing, so a misspelt fact, a field outside `where` or `"x" < 3` is an
 * error at load, with its line and column, before anything is evaluated.
 * Typed names (domain.h) are checked against their literals the same way:
 * `action == "destroy"` is refused ("did you mean \"delete\"?"), and
 * versions order semantically (`plan.terraform_version >= "1.9"`).
 *
 * Trees live in the arena they were parsed into and are immutable after.
 */
#ifndef TFA_EXPR_H
#define TFA_EXPR_H

#include "facts_catalog.h"
#include "util/arena.h"
#include "util/error.h"
#include "verdict.h"

typedef enum tfa_expr_kind {
    TFA_E_LIT = 0,
    TFA_E_FACT,
    TFA_E_FIELD,
    TFA_E_NOT,
    TFA_E_AND,
    TFA_E_OR,
    TFA_E_CMP,
    TFA_E_QUERY
} tfa_expr_kind;

typedef enum tfa_cmp_op {
    TFA_OP_EQ = 0,
    TFA_OP_NE,
    TFA_OP_LT,
    TFA_OP_LE,
    TFA_OP_GT,
    TFA_OP_GE,
    TFA_OP_MATCH,
    TFA_OP_NMATCH,
    TFA_OP_IN,
    TFA_OP_NIN
} tfa_cmp_op;

typedef enum tfa_query_fn { TFA_Q_COUNT = 0, TFA_Q_ANY, TFA_Q_ALL, TFA_Q_NONE } tfa_query_fn;

typedef struct tfa_expr {
    tfa_expr_kind kind;
    int op;                 /* tfa_cmp_op (CMP) or tfa_query_fn (QUERY) */
    tfa_vtype type;         /* static type of the result */
    unsigned long column;   /* where the node starts in its checklist line */
    tfa_value lit;          /* LIT */
    const tfa_fact *fact;   /* FACT */
    const tfa_field *field; /* FIELD */
    tfa_coll coll;          /* QUERY, and FIELD (the collection queried) */
    const char *text;       /* QUERY: the query as written, for evidence */
    /* FACT, FIELD: the typed domain (domain.h), NULL for open strings; CMP:
     * set to the version domain when the operands order as versions */
    const struct tfa_domain *dom;
    const unsigned long *item_columns; /* LIT lists: where each item starts */
    const struct tfa_expr *a, *b;      /* operands; QUERY: b is the where clause or NULL */
} tfa_expr;

/*
 * Parse `src[0..len)`, which starts at `line`:`column` of `source`, into a
 * tree allocated in `arena`. The expression must be a condition (boolean).
 * Errors (TFA_EINPUT with the position, TFA_ELIMIT for nesting deeper than
 * TFA_LIMIT_EXPR_DEPTH, TFA_ENOMEM) are recorded in `err` as
 * "source:line:column: message".
 */
int tfa_expr_parse(const tfa_expr **out, tfa_arena *arena, const char *src, size_t len,
                   const char *source, unsigned long line, unsigned long column, tfa_error *err);

/*
 * Evaluate `e` over `src` (facts_catalog.h: the run and the caller's
 * context). On return 0, *result is 1 (true), 0 (false) or -1
 * when a fact it needed has no value, with *reason saying which and why.
 * `ev` receives the evidence (facts read, queries with their offending
 * elements), allocated in `arena` together with copies of every string, so
 * it outlives the run and the context. Fails only with TFA_ENOMEM.
 */
int tfa_expr_eval(const tfa_expr *e, const tfa_fact_source *src, tfa_arena *arena, tfa_evidence *ev,
                  int *result, const char **reason);

#endif
