// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-notes - count the CPU register notes of a crash dump.
 *
 *   vmcore-notes [/proc/vmcore]
 *
 * Prints "prstatus N": the NT_PRSTATUS notes named "CORE" in the PT_NOTE
 * segments of the ELF file, one for each CPU whose registers the crashed
 * kernel saved.  Then one line "rip ADDR" for each, the instruction
 * pointer saved in it, as 16 lowercase hex digits (so that addresses sort
 * as strings, the way /proc/kallsyms prints them).  Then one line
 * "load START END" for each PT_LOAD segment: the first and last byte of
 * the old memory it holds, by physical address, in hex.  Exits 1 when the
 * file is not a 64-bit ELF core.
 */

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/reg.h>
#include <unistd.h>

#define MAX_CPUS 4096

#define MAX_LOADS 65536

static unsigned long long rips[MAX_CPUS];
static unsigned long long loads[MAX_LOADS][2];
static unsigned int nr_loads;

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

static unsigned int count_notes(const unsigned char *p, size_t len,
				unsigned int found)
{
	size_t at = 0;

	while (at + sizeof(Elf64_Nhdr) <= len) {
		const Elf64_Nhdr *n = (const void *)(p + at);
		size_t name = (n->n_namesz + 3) & ~3UL;
		size_t desc = (n->n_descsz + 3) & ~3UL;

		if (!n->n_namesz)
			break;
		if (n->n_type == NT_PRSTATUS && n->n_namesz == 5 &&
		    !memcmp(p + at + sizeof(*n), "CORE", 5)) {
			struct elf_prstatus st;

			if (n->n_descsz >= sizeof(st) && found < MAX_CPUS) {
				memcpy(&st, p + at + sizeof(*n) + name, sizeof(st));
				rips[found] = st.pr_reg[RIP];
			}
			found++;
		}
		at += sizeof(*n) + name + desc;
	}
	return found;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/vmcore";
	unsigned int i, found = 0;
	Elf64_Ehdr eh;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read_at(fd, &eh, sizeof(eh), 0) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_CORE) {
		fprintf(stderr, "%s: not a 64-bit ELF core\n", path);
		return 1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		unsigned char *buf;

		if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)))
			return 1;
		if (ph.p_type == PT_LOAD && ph.p_memsz && nr_loads < MAX_LOADS) {
			loads[nr_loads][0] = ph.p_paddr;
			loads[nr_loads][1] = ph.p_paddr + ph.p_memsz - 1;
			nr_loads++;
		}
		if (ph.p_type != PT_NOTE || !ph.p_filesz || ph.p_filesz > (1 << 24))
			continue;
		buf = malloc(ph.p_filesz);
		if (!buf || read_at(fd, buf, ph.p_filesz, ph.p_offset))
			return 1;
		found = count_notes(buf, ph.p_filesz, found);
		free(buf);
	}
	printf("prstatus %u\n", found);
	for (i = 0; i < found && i < MAX_CPUS; i++)
		printf("rip %016llx\n", rips[i]);
	for (i = 0; i < nr_loads; i++)
		printf("load %llx %llx\n", loads[i][0], loads[i][1]);
	return 0;
}
