// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the x86_64 machine layer of kexec.
 *
 * Included by machine_kexec_64.c when CONFIG_KEXEC_CORE_KUNIT_TEST is set.
 * QEMU under TCG emulates no memory encryption (SME, SEV, TDX), so the
 * refusal to load there is checked with kexec_memory_encrypted() stubbed.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>

static bool kexec_test_encrypted(void)
{
	return true;
}

/* Where memory is encrypted, a load fails before it builds anything. */
static void kexec_encrypted_memory_is_eopnotsupp(struct kunit *test)
{
	struct kimage *image = kunit_kzalloc(test, sizeof(*image), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, image);
	INIT_LIST_HEAD(&image->pages);
	INIT_LIST_HEAD(&image->parked);
	kunit_activate_static_stub(test, kexec_memory_encrypted, kexec_test_encrypted);
	KUNIT_EXPECT_EQ(test, machine_kexec_prepare(image), -EOPNOTSUPP);
	KUNIT_EXPECT_NULL(test, image->arch.pgd);
	KUNIT_EXPECT_TRUE(test, list_empty(&image->pages));
}

/*
 * The front ends ask before they touch the loaded image: a crash load,
 * which replaces the loaded crash image in place, is refused with it
 * still loaded.
 */
static void kexec_encrypted_memory_is_refused_up_front(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, machine_kexec_supported(), 0);
	kunit_activate_static_stub(test, kexec_memory_encrypted, kexec_test_encrypted);
	KUNIT_EXPECT_EQ(test, machine_kexec_supported(), -EOPNOTSUPP);
}

static struct kunit_case kexec_machine_cases[] = {
	KUNIT_CASE(kexec_encrypted_memory_is_eopnotsupp),
	KUNIT_CASE(kexec_encrypted_memory_is_refused_up_front),
	{}
};

static struct kunit_suite kexec_machine_suite = {
	.name = "kexec_machine",
	.test_cases = kexec_machine_cases,
};

kunit_test_suite(kexec_machine_suite);
