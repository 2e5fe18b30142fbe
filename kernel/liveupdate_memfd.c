// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfds handed over by /dev/liveupdate.
 *
 * Every folio of the file is preserved where it is and listed, with its
 * offset, in a chain of chunks that are preserved too
 * (<linux/liveupdate_abi.h>); the size, file position, seals and mode
 * travel in the file's entry.  Nothing is copied either way: the next
 * kernel makes a new memfd and puts the same folios into it.
 *
 * Listing a large file takes time per folio, so it is done ahead of the
 * reboot, when the file is preserved and again when an image is loaded;
 * from then on the file's folios are held, so they cannot be swapped out,
 * migrated or split.  The reboot only checks that the file is still the
 * one that was listed: same size, same number of pages in the page
 * cache, none in swap, and, if i_version moved (a write, a truncation,
 * a hole punched), every listed folio still in the file.  Writes into
 * the folios need no new list.  A file that changed otherwise is listed
 * again at the reboot, as it is then: writes until the machine stops are
 * handed over, a hole filled after the reboot began is not.
 */

#define pr_fmt(fmt) "liveupdate: " fmt

#include <linux/bitmap.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/iversion.h>
#include <linux/kexec_handoff.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include "liveupdate_internal.h"

#define MEMFD_PREFIX		"memfd:"

/* Physically contiguous page frames [@pfn, @pfn + @nr), preserved at once. */
struct memfd_run {
	unsigned long pfn;
	unsigned long nr;
};

/*
 * What a memfd holds for the reboot: a reference on each folio and chunk,
 * the folios' memory preserved in runs of contiguous pages (far fewer
 * than folios when the file's pages lie together), the list's first
 * chunk, and what the file looked like when it was listed.
 */
struct memfd_held {
	unsigned long nr_folios;
	struct folio **folios;
	unsigned long nr_runs;
	struct memfd_run *runs;
	unsigned int nr_chunks;
	struct folio **chunks;
	unsigned int chunk_order;
	u64 first;
	loff_t size;
	unsigned long nrpages;
	u64 version;
	bool whole;
};

static bool memfd_can_preserve(struct file *file)
{
	return shmem_file(file) && S_ISREG(file_inode(file)->i_mode) &&
		!strncmp(file_dentry(file)->d_name.name, MEMFD_PREFIX,
			 strlen(MEMFD_PREFIX));
}

static void memfd_release_held(struct memfd_held *mh)
{
	unsigned long i;

	if (!mh)
		return;
	for (i = 0; i < mh->nr_runs; i++)
		handoff_unpreserve_pages(pfn_to_page(mh->runs[i].pfn),
					 mh->runs[i].nr);
	for (i = 0; i < mh->nr_folios; i++)
		folio_put(mh->folios[i]);
	for (i = 0; i < mh->nr_chunks; i++) {
		handoff_unpreserve_folio(mh->chunks[i]);
		folio_put(mh->chunks[i]);
	}
	kvfree(mh->folios);
	kvfree(mh->runs);
	kvfree(mh->chunks);
	kfree(mh);
}

static int memfd_run_cmp(const void *a, const void *b)
{
	const struct memfd_run *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The folios' runs by sorting them: for files spread thinly over memory. */
static struct memfd_run *memfd_sorted_runs(struct memfd_held *mh,
					   unsigned long *nr)
{
	struct memfd_run *r;
	unsigned long i, n = 0;

	r = kvmalloc_array(mh->nr_folios, sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	for (i = 0; i < mh->nr_folios; i++) {
		r[i].pfn = folio_pfn(mh->folios[i]);
		r[i].nr = folio_nr_pages(mh->folios[i]);
	}
	sort(r, mh->nr_folios, sizeof(*r), memfd_run_cmp, NULL);
	for (i = 1; i < mh->nr_folios; i++) {
		if (r[n].pfn + r[n].nr == r[i].pfn)
			r[n].nr += r[i].nr;
		else
			r[++n] = r[i];
	}
	*nr = n + 1;
	return r;
}

/*
 * The folios' runs through a bitmap of the page frames between the lowest
 * and the highest: linear in the folios, where sorting them is not.
 */
static struct memfd_run *memfd_mapped_runs(struct memfd_held *mh,
					   unsigned long lo, unsigned long span,
					   unsigned long *nr)
{
	unsigned long i, n = 0, start, end;
	struct memfd_run *r = NULL;
	unsigned long *map;

	map = kvcalloc(BITS_TO_LONGS(span), sizeof(long), GFP_KERNEL);
	if (!map)
		return NULL;
	for (i = 0; i < mh->nr_folios; i++)
		bitmap_set(map, folio_pfn(mh->folios[i]) - lo,
			   folio_nr_pages(mh->folios[i]));
	/* Count the runs, then list them. */
	for_each_set_bitrange(start, end, map, span)
		n++;
	r = kvmalloc_array(n, sizeof(*r), GFP_KERNEL);
	if (r) {
		n = 0;
		for_each_set_bitrange(start, end, map, span) {
			r[n].pfn = lo + start;
			r[n].nr = end - start;
			n++;
		}
		*nr = n;
	}
	kvfree(map);
	return r;
}

/* Preserve the folios' memory in as few runs as it lies in. */
static int memfd_preserve_runs(struct memfd_held *mh)
{
	unsigned long i, n, lo = ULONG_MAX, hi = 0;
	struct memfd_run *r;
	int ret;

	if (!mh->nr_folios)
		return 0;
	for (i = 0; i < mh->nr_folios; i++) {
		unsigned long pfn = folio_pfn(mh->folios[i]);

		lo = min(lo, pfn);
		hi = max(hi, pfn + folio_nr_pages(mh->folios[i]));
	}
	/* A bitmap no larger than the list sorting needs. */
	if (hi - lo <= mh->nr_folios * BITS_PER_BYTE * sizeof(*r))
		r = memfd_mapped_runs(mh, lo, hi - lo, &n);
	else
		r = memfd_sorted_runs(mh, &n);
	if (!r)
		return -ENOMEM;
	mh->runs = r;
	for (i = 0; i < n; i++) {
		ret = handoff_preserve_pages(pfn_to_page(r[i].pfn), r[i].nr);
		if (ret)
			return ret;
		mh->nr_runs++;
	}
	return 0;
}

/*
 * Take every folio of [0, @pages) by looking each index up, reading back
 * what was swapped out.
 */
static int memfd_take_each(struct inode *inode, pgoff_t pages,
			   struct memfd_held *mh)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t index = 0;
	int ret;

	while (index < pages) {
		struct folio *folio;

		if (!xa_find(&mapping->i_pages, &index, pages - 1, XA_PRESENT))
			break;
		ret = shmem_get_folio(inode, index, 0, &folio, SGP_READ);
		if (ret)
			return ret;
		if (!folio) {
			/* Allocated by fallocate() but never written: a hole. */
			index++;
			continue;
		}
		folio_unlock(folio);
		mh->folios[mh->nr_folios++] = folio;
		index = folio_next_index(folio);
		cond_resched();
	}
	return 0;
}

/*
 * Take every folio of [0, @pages), holding a reference.  Without swap,
 * the page cache holds all of the file and is read in batches; a folio
 * taken cannot be swapped out later, since reclaim needs the page cache's
 * reference to be the last.  With swap on before or after the walk, or
 * anything of the file in swap, each index is looked up instead.
 */
static int memfd_take_folios(struct inode *inode, pgoff_t pages,
			     struct memfd_held *mh)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	struct folio_batch fbatch;
	pgoff_t index = 0;
	unsigned int i;

	if (!pages)
		return 0;
	/* A swapon racing with this is seen by the check after the walk. */
	if (data_race(total_swap_pages) || READ_ONCE(info->swapped))
		return memfd_take_each(inode, pages, mh);
	folio_batch_init(&fbatch);
	while (filemap_get_folios(inode->i_mapping, &index, pages - 1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			/* Allocated by fallocate() but never written: a hole. */
			if (!folio_test_uptodate(folio)) {
				folio_put(folio);
				continue;
			}
			mh->folios[mh->nr_folios++] = folio;
		}
		/* The references are kept in mh->folios. */
		folio_batch_reinit(&fbatch);
		cond_resched();
	}
	/* Swap still off: nothing of the file can have left the page cache. */
	if (!data_race(total_swap_pages) && !READ_ONCE(info->swapped))
		return 0;
	for (i = 0; i < mh->nr_folios; i++)
		folio_put(mh->folios[i]);
	mh->nr_folios = 0;
	return memfd_take_each(inode, pages, mh);
}

static u32 memfd_chunk_crc(struct liveupdate_chunk *c, u32 nr)
{
	c->crc = 0;
	return handoff_crc(c, offsetof(struct liveupdate_chunk, folio[nr]));
}

static void memfd_seal_chunk(struct liveupdate_chunk *c)
{
	c->crc = cpu_to_le32(memfd_chunk_crc(c, le32_to_cpu(c->nr)));
}

/*
 * List the folios in preserved chunks, small ones for small lists; the
 * order and the first chunk's address go into @mh.
 */
static int memfd_write_chunks(struct memfd_held *mh)
{
	unsigned int order = min_t(unsigned int, LIVEUPDATE_CHUNK_ORDER,
				   get_order(struct_size_t(struct liveupdate_chunk, folio,
							   max(mh->nr_folios, 1UL))));
	unsigned long done = 0, per_chunk = LIVEUPDATE_CHUNK_FOLIOS(order);
	struct liveupdate_chunk *prev = NULL;
	unsigned int i;
	int ret;

	mh->chunk_order = order;
	if (!mh->nr_folios)
		return 0;
	mh->chunks = kvcalloc(DIV_ROUND_UP(mh->nr_folios, per_chunk),
			      sizeof(*mh->chunks), GFP_KERNEL);
	if (!mh->chunks)
		return -ENOMEM;
	while (done < mh->nr_folios) {
		unsigned long n = min(mh->nr_folios - done, per_chunk);
		struct liveupdate_chunk *c;
		struct folio *cf;

		cf = folio_alloc(GFP_KERNEL | __GFP_ZERO, order);
		if (!cf)
			return -ENOMEM;
		ret = handoff_preserve_folio(cf);
		if (ret) {
			folio_put(cf);
			return ret;
		}
		mh->chunks[mh->nr_chunks++] = cf;
		c = folio_address(cf);
		for (i = 0; i < n; i++) {
			struct folio *folio = mh->folios[done + i];

			c->folio[i].index = cpu_to_le64(folio->index);
			c->folio[i].pfn = cpu_to_le64(folio_pfn(folio) |
				((u64)folio_order(folio) << LIVEUPDATE_ORDER_SHIFT));
		}
		c->nr = cpu_to_le32(n);
		memfd_seal_chunk(c);
		if (prev) {
			/* The next pointer is under the checksum: seal again. */
			prev->next = cpu_to_le64(PFN_PHYS(folio_pfn(cf)));
			memfd_seal_chunk(prev);
		} else {
			mh->first = PFN_PHYS(folio_pfn(cf));
		}
		prev = c;
		done += n;
	}
	return 0;
}

/*
 * List the file as it is now.  The inode's lock keeps its size and its
 * page cache but for holes filled through a mapping, which the number of
 * pages, read before the walk, catches later.
 */
static struct memfd_held *memfd_hold(struct inode *inode)
{
	unsigned long i, held = 0;
	struct memfd_held *mh;
	pgoff_t pages;
	int ret;

	mh = kzalloc(sizeof(*mh), GFP_KERNEL);
	if (!mh)
		return ERR_PTR(-ENOMEM);
	mh->size = i_size_read(inode);
	mh->nrpages = READ_ONCE(inode->i_mapping->nrpages);
	mh->version = inode_peek_iversion(inode);
	pages = DIV_ROUND_UP(mh->size, PAGE_SIZE);
	mh->folios = kvmalloc_array(max_t(pgoff_t, pages, 1),
				    sizeof(*mh->folios), GFP_KERNEL);
	ret = mh->folios ? memfd_take_folios(inode, pages, mh) : -ENOMEM;
	if (!ret)
		ret = memfd_preserve_runs(mh);
	if (!ret)
		ret = memfd_write_chunks(mh);
	if (ret) {
		memfd_release_held(mh);
		return ERR_PTR(ret);
	}
	for (i = 0; i < mh->nr_folios; i++)
		held += folio_nr_pages(mh->folios[i]);
	/*
	 * Folios fallocate() made and nobody wrote are in the page cache but
	 * not in the list; they may be written without a trace, so such a
	 * file is listed again at the reboot.
	 */
	mh->whole = held == mh->nrpages && !READ_ONCE(SHMEM_I(inode)->swapped);
	return mh;
}

/* Is every folio @mh holds still in @mapping?  Truncation takes them out. */
static bool memfd_folios_in_place(struct address_space *mapping,
				  const struct memfd_held *mh)
{
	unsigned long i;

	for (i = 0; i < mh->nr_folios; i++)
		if (READ_ONCE(mh->folios[i]->mapping) != mapping)
			return false;
	return true;
}

/*
 * With the inode locked: is the file still as @mh lists it?  Its folios
 * are held, so none left the page cache but by truncation, which needs
 * the lock, and none came in without changing the count.  A write moves
 * i_version as truncation does; then each folio is looked at.
 */
static bool memfd_unchanged(struct inode *inode, struct memfd_held *mh)
{
	u64 version = inode_peek_iversion(inode);

	if (!mh || !mh->whole || i_size_read(inode) != mh->size ||
	    READ_ONCE(inode->i_mapping->nrpages) != mh->nrpages ||
	    READ_ONCE(SHMEM_I(inode)->swapped))
		return false;
	if (version == mh->version)
		return true;
	if (!memfd_folios_in_place(inode->i_mapping, mh))
		return false;
	mh->version = version;
	return true;
}

/*
 * With the inode locked: list the file unless its list still holds.
 * Return 1 when it held, 0 when listed now, or -errno with no list left.
 */
static int memfd_ready(struct liveupdate_file *lf, struct inode *inode)
{
	struct memfd_held *mh = lf->priv;

	if (memfd_unchanged(inode, mh))
		return 1;
	/* The old list's runs must go before the new one preserves its own. */
	memfd_release_held(mh);
	lf->priv = NULL;
	mh = memfd_hold(inode);
	if (IS_ERR(mh))
		return PTR_ERR(mh);
	lf->priv = mh;
	return 0;
}

static int memfd_prepare(struct liveupdate_file *lf)
{
	struct inode *inode = file_inode(lf->file);
	int ret;

	inode_lock(inode);
	ret = memfd_ready(lf, inode);
	inode_unlock(inode);
	return ret;
}

static int memfd_freeze(struct liveupdate_file *lf)
{
	struct liveupdate_memfd_ent *ent = (void *)lf->data;
	struct inode *inode = file_inode(lf->file);
	struct memfd_held *mh;
	int ret;

	inode_lock(inode);
	ret = memfd_ready(lf, inode);
	if (ret >= 0) {
		mh = lf->priv;
		memset(ent, 0, sizeof(*ent));
		ent->size = cpu_to_le64(mh->size);
		ent->pos = cpu_to_le64(READ_ONCE(lf->file->f_pos));
		ent->seals = cpu_to_le32(SHMEM_I(inode)->seals);
		ent->nr_folios = cpu_to_le32(mh->nr_folios);
		ent->chunk = cpu_to_le64(mh->first);
		ent->mode = cpu_to_le32(inode->i_mode & 07777);
		ent->chunk_order = cpu_to_le32(mh->chunk_order);
	}
	inode_unlock(inode);
	return ret;
}

static void memfd_release(struct liveupdate_file *lf)
{
	memfd_release_held(lf->priv);
	lf->priv = NULL;
}

/*
 * Walk the chain of chunks of @ent, taking each back, calling @fn for
 * each folio entry, then freeing the chunk.  Stops at the first error.
 */
static int memfd_walk(const struct liveupdate_memfd_ent *ent,
		      int (*fn)(void *arg, pgoff_t index, u64 pfn,
				unsigned int order),
		      void *arg)
{
	u32 left = le32_to_cpu(ent->nr_folios);
	u32 order = le32_to_cpu(ent->chunk_order);
	u64 phys = le64_to_cpu(ent->chunk);
	int ret = 0;

	if (order > LIVEUPDATE_CHUNK_ORDER)
		return -EINVAL;
	while (left) {
		struct liveupdate_chunk *c;
		struct folio *cf;
		u32 n, crc, i;

		if (!phys)
			return -EINVAL;
		cf = handoff_restore_folio(phys, order);
		if (IS_ERR(cf))
			return PTR_ERR(cf);
		c = folio_address(cf);
		n = le32_to_cpu(c->nr);
		crc = le32_to_cpu(c->crc);
		if (!n || n > LIVEUPDATE_CHUNK_FOLIOS(order) || n > left ||
		    memfd_chunk_crc(c, n) != crc) {
			pr_err("a memfd's list of folios at %#llx is damaged\n", phys);
			folio_put(cf);
			return -EBADMSG;
		}
		for (i = 0; i < n && !ret; i++) {
			u64 pfn = le64_to_cpu(c->folio[i].pfn);

			ret = fn(arg, le64_to_cpu(c->folio[i].index),
				 pfn & LIVEUPDATE_PFN_MASK,
				 pfn >> LIVEUPDATE_ORDER_SHIFT);
		}
		left -= n;
		phys = le64_to_cpu(c->next);
		folio_put(cf);
		if (ret)
			return ret;
	}
	return 0;
}

struct memfd_restore {
	struct file *file;
	pgoff_t pages;
	pgoff_t next;
};

static int memfd_restore_one(void *arg, pgoff_t index, u64 pfn,
			     unsigned int order)
{
	struct memfd_restore *r = arg;
	struct folio *folio;
	int ret;

	if (order > MAX_PAGE_ORDER || index < r->next ||
	    index + (1UL << order) > r->pages)
		return -EINVAL;
	folio = handoff_restore_folio(PFN_PHYS(pfn), order);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	ret = shmem_insert_folio(r->file, folio, index);
	folio_put(folio);
	r->next = index + (1UL << order);
	return ret;
}

static struct file *memfd_retrieve(const u8 *data)
{
	const struct liveupdate_memfd_ent *ent = (const void *)data;
	loff_t size = le64_to_cpu(ent->size);
	struct memfd_restore r = {};
	struct inode *inode;
	int ret;

	if (size < 0 || size > MAX_LFS_FILESIZE)
		return ERR_PTR(-EINVAL);
	r.file = shmem_file_setup(MEMFD_PREFIX "liveupdate", size, VM_NORESERVE);
	if (IS_ERR(r.file))
		return r.file;
	r.file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE |
		FMODE_ATOMIC_POS;
	r.file->f_flags |= O_LARGEFILE;
	r.pages = DIV_ROUND_UP(size, PAGE_SIZE);
	ret = memfd_walk(ent, memfd_restore_one, &r);
	if (ret) {
		fput(r.file);
		return ERR_PTR(ret);
	}
	inode = file_inode(r.file);
	inode->i_mode = (inode->i_mode & S_IFMT) |
		(le32_to_cpu(ent->mode) & 07777);
	SHMEM_I(inode)->seals = le32_to_cpu(ent->seals);
	/* As F_ADD_SEALS does: no shared writable mapping from now on. */
	if (SHMEM_I(inode)->seals & F_SEAL_WRITE)
		mapping_deny_writable(r.file->f_mapping);
	r.file->f_pos = le64_to_cpu(ent->pos);
	return r.file;
}

static int memfd_discard_one(void *arg, pgoff_t index, u64 pfn,
			     unsigned int order)
{
	struct folio *folio;

	if (order > MAX_PAGE_ORDER)
		return -EINVAL;
	folio = handoff_restore_folio(PFN_PHYS(pfn), order);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	folio_put(folio);
	return 0;
}

static void memfd_discard(const u8 *data)
{
	int ret = memfd_walk((const void *)data, memfd_discard_one, NULL);

	if (ret)
		pr_warn("a memfd nobody retrieved was not freed at once (%d); its memory is freed with the rest\n",
			ret);
}

const struct liveupdate_handler liveupdate_memfd_handler = {
	.name = LIVEUPDATE_MEMFD_HANDLER,
	.version = LIVEUPDATE_MEMFD_VERSION,
	.declared = LIVEUPDATE_MEMFD_DECLARE,
	.can_preserve = memfd_can_preserve,
	.prepare = memfd_prepare,
	.freeze = memfd_freeze,
	.release = memfd_release,
	.retrieve = memfd_retrieve,
	.discard = memfd_discard,
};

#ifdef CONFIG_LIVEUPDATE_KUNIT_TEST
#include "liveupdate_memfd_test.c"
#endif
