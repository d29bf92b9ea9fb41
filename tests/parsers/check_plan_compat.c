/*
 * check_plan_compat.c - plans as older or unusual Terraform runs wrote them:
 * drift entries without "address" (Terraform 1.0.0), and attribute values
 * beyond a double's range, which are kept as exact text for digests and pins.
 */
#include "util/compat.h"

#include "input.h"
#include "testsupport.h"
#include "util/alloc.h"
#include "util/buf.h"

static tfa_run *load_path(const char *path)
{
    tfa_load_options opts = TFA_LOAD_OPTIONS_INIT;
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(tfa_run_new(&run), 0);
    ck_assert_tfa_ok(tfa_run_load(run, path, &opts, &err), &err);
    return run;
}

START_TEST(drift_without_address_gets_it_rebuilt)
{
    static const char *const want[] = {
        "module.app.aws_instance.web[0]",
        "module.net[\"eu-west-1\"].aws_subnet.private[\"eu-west-1a\"]",
        "aws_s3_bucket.logs",
    };
    tfa_run *run = load_path("fixtures/plans/drift-no-address-1.0.0.json");
    const tfa_change *c;
    size_t i;

    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_DRIFT), 3);
    for (i = 0; i < 3; i++) {
        c = tfa_run_change(run, TFA_LIST_DRIFT, i);
        ck_assert_str_eq(c->res.address, want[i]);
    }
    c = tfa_run_change(run, TFA_LIST_DRIFT, 0);
    ck_assert_uint_eq(c->n_changed, 1);
    ck_assert_str_eq(c->changed[0], "instance_type");
    /* a data source's address carries "data." */
    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_CHANGES), 2);
    ck_assert_str_eq(tfa_run_change(run, TFA_LIST_CHANGES, 1)->res.address, "data.aws_ami.ubuntu");
    ck_assert_int_eq(tfa_run_input(run, 0)->plan.drift, 3);
    tfa_run_free(run);
}
END_TEST

START_TEST(entry_without_address_or_name_is_still_an_error)
{
    static const char plan[] =
        "{\"format_version\":\"0.2\",\"terraform_version\":\"1.0.0\",\"resource_drift\":[{"
        "\"mode\":\"managed\",\"type\":\"aws_instance\",\"change\":{\"actions\":[\"update\"],"
        "\"before\":{},\"after\":{}}}]}";
    tfa_run *run = NULL;
    tfa_error err;

    tfa_error_init(&err);
    ck_assert_int_eq(
        tfa_test_load_mem(&run, "plan.json", plan, strlen(plan), TFA_KIND_UNKNOWN, &err),
        TFA_EINPUT);
    ck_assert_msg(strstr(err.message, "address") != NULL, "%s", err.message);
}
END_TEST

/* The pin of a plan (tfaudit pin), as printed. */
static char *pin_of(const char *path)
{
    const char *argv[] = {"tfaudit", "pin", path, NULL};
    tfa_test_output out;
    char *pin;

    ck_assert_int_eq(tfa_test_run(argv, NULL, 0, &out), 0);
    ck_assert_msg(out.status == 0, "pin %s: status %d: %s", path, out.status, out.err);
    ck_assert(strncmp(out.out, "tfapin2:", 8) == 0);
    pin = strndup(out.out, 8 + 64);
    tfa_test_output_release(&out);
    return pin;
}

START_TEST(numbers_beyond_double_range_are_read_and_pinned_exactly)
{
    size_t len;
    char *data = tfa_test_read_file("fixtures/plans/numbers-beyond-double.json", &len);
    char *dir = tfa_test_mkdtemp(), path[512], *p, *pin_a, *pin_b, *pin_c;
    tfa_run *run = load_path("fixtures/plans/numbers-beyond-double.json");

    ck_assert_uint_eq(tfa_run_change_count(run, TFA_LIST_CHANGES), 1);
    ck_assert_int_eq(tfa_run_change(run, TFA_LIST_CHANGES, 0)->action, TFA_ACTION_UPDATE);
    tfa_run_free(run);
    ck_assert_ptr_nonnull(data);
    pin_a = pin_of("fixtures/plans/numbers-beyond-double.json");

    /* the 309-digit integer changed in its 202nd digit: another plan */
    p = strstr(data, "7773000");
    p = strstr(p + 1, "7773000"); /* the "after" one, not the string before it */
    ck_assert_ptr_nonnull(p);
    p[3] = '4';
    snprintf(path, sizeof(path), "%s/b.json", dir);
    ck_assert_int_eq(tfa_test_write_file(path, data, len), 0);
    pin_b = pin_of(path);
    ck_assert_str_ne(pin_a, pin_b);

    /* the same values written another way: the same plan */
    p[3] = '3';
    {
        tfa_buf b;
        char *at = strstr(data, "1e400");
        ck_assert_ptr_nonnull(at);
        tfa_buf_init(&b, TFA_BUF_NO_MAX);
        tfa_buf_put(&b, data, (size_t)(at - data));
        tfa_buf_puts(&b, "10e399");
        tfa_buf_put(&b, at + 5, len - (size_t)(at - data) - 5);
        ck_assert_int_eq(tfa_test_write_file(path, b.ptr, b.len), 0);
        tfa_buf_release(&b);
    }
    pin_c = pin_of(path);
    ck_assert_str_eq(pin_a, pin_c);

    free(pin_a);
    free(pin_b);
    free(pin_c);
    free(data);
    tfa_test_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("plan_compat");
    TCase *tc = tcase_create("compat");

    tcase_add_test(tc, drift_without_address_gets_it_rebuilt);
    tcase_add_test(tc, entry_without_address_or_name_is_still_an_error);
    tcase_add_test(tc, numbers_beyond_double_range_are_read_and_pinned_exactly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tfa_test_main(suite());
}
