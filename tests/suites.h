/*
 * Every Check suite, one line each: SUITE(name) declares Suite *suite_name(void)
 * from tests/check_name.c. check_main.c runs them in this order.
 */
SUITE(parse)
SUITE(model)
SUITE(report)


SUITE(tail)
SUITE(doctor)
SUITE(vm)
SUITE(hostile)
