/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trial kexec reboot, as other subsystems see it
 * (Documentation/admin-guide/kexec-trial.rst).
 */
#ifndef _LINUX_KEXEC_TRIAL_H
#define _LINUX_KEXEC_TRIAL_H

#include <linux/types.h>

#ifdef CONFIG_KEXEC_TRIAL
void kexec_trial_claim(const char *name);
bool kexec_trial_claimed(const char *name);
bool kexec_trial_keeps_watchdogs(void);
#else
static inline void kexec_trial_claim(const char *name) { }
static inline bool kexec_trial_claimed(const char *name) { return false; }
static inline bool kexec_trial_keeps_watchdogs(void) { return false; }
#endif

#endif /* _LINUX_KEXEC_TRIAL_H */
