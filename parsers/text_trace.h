/*
 * text_trace.h - lines of a TF_LOG debug or trace log (internal to parsers/).
 *
 * With TF_LOG set, Terraform and OpenTofu log through hclog (0.15+):
 *   2023-05-10T10:00:00.123+0200 [INFO]  Terraform version: 1.4.6
 *   2023-05-10T10:00:00.124+0200 [INFO]  CLI args: []string{"terraform", "apply", "-auto-approve"}
 *   2023-05-10T10:00:09.001+0200 [ERROR] vertex "aws_instance.web" error: Provider produced
 * inconsistent result after apply and through Go's log package before (2019/08/20 10:00:00 [INFO]
 * ...). The timestamp is removed by the normalizer (lines.h); what is left starts with the level in
 * brackets. Only three messages carry run facts: the version, the command line (the operation), and
 * the graph walker's "vertex ... error:" (internal/dag/walk.go), one per failing node, whose name
 * is the resource instance address for an apply node. The rest is noise to the reader: it must
 * never be taken for the CLI output it may sit between.
 */
#ifndef TFA_TEXT_TRACE_H
#define TFA_TEXT_TRACE_H

#include "text_ci.h"
#include "text_grammar.h"

typedef enum tfa_trace_kind {
    TFA_TRACE_OTHER = 0, /* any other TF_LOG line */
    TFA_TRACE_VERSION,   /* "Terraform version: X" / "OpenTofu version: X" */
    TFA_TRACE_ARGS,      /* "CLI args: []string{...}" */
    TFA_TRACE_VERTEX_ERROR
} tfa_trace_kind;

typedef struct tfa_text_trace {
    tfa_trace_kind kind;
    int error;             /* level ERROR */
    const char *tool;      /* VERSION: "terraform" / "opentofu" */
    tfa_text_span version; /* VERSION */
    tfa_ci_cmd cmd;        /* ARGS */
    tfa_text_span vertex, addr,
        summary; /* VERTEX_ERROR; addr empty when the vertex is no resource */
} tfa_text_trace;

/* 1 when the normalized line is a TF_LOG line ("[LEVEL] message"). */
int tfa_text_trace_parse(const char *s, size_t len, tfa_text_trace *out);

#endif
