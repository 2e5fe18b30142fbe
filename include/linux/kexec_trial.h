/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trial kexec reboot, as other subsystems see it
 * (Documentation/admin-guide/kexec-trial.rst).
 */
#ifndef _LINUX_KEXEC_TRIAL_H
#define _LINUX_KEXEC_TRIAL_H

#include <linux/types.h>

struct notifier_block;

#ifdef CONFIG_KEXEC_TRIAL
void kexec_trial_claim(const char *name);
bool kexec_trial_claimed(const char *name);
bool kexec_trial_keeps_watchdogs(void);
int kexec_trial_register_confirm_notifier(struct notifier_block *nb);
int kexec_trial_unregister_confirm_notifier(struct notifier_block *nb);
#else
static inline void kexec_trial_claim(const char *name) { }
static inline bool kexec_trial_claimed(const char *name) { return false; }
static inline bool kexec_trial_keeps_watchdogs(void) { return false; }
static inline int kexec_trial_register_confirm_notifier(struct notifier_block *nb)
{
	return 0;
}

static inline int kexec_trial_unregister_confirm_notifier(struct notifier_block *nb)
{
	return 0;
}
#endif

#endif /* _LINUX_KEXEC_TRIAL_H */
