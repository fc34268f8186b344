//! Large allocations on huge pages: the global allocator the `render` binary installs. This is
//! the one module with `unsafe` code: the allocator's `mmap`, `mremap`, `munmap` and `madvise`.
//!
//! A large buffer (a canvas, the surface's values and pixels, a chunk of quantized GIF frames) is
//! new memory, and the kernel hands it over 4 KiB at a time, one page fault each, as it is first
//! written: a 640 × 480 canvas is 300 faults, a 3840 × 2160 one 8,100. A fault costs about 2.5 µs
//! on a virtual machine, and a 640 × 480 render spent a fifth of its CPU time in them.
//! [`HugePages`] maps each zeroed allocation of [`LARGE`] bytes or more (the canvases of a
//! 640 × 480 figure and of its 640 × 360 charts are) and each other allocation of
//! [`LARGE_UNZEROED`] or more on its own, aligned to 2 MiB and rounded up to whole 2 MiB pages, and
//! asks for huge pages (`MADV_HUGEPAGE`; Linux gives them to a process that asks when
//! `/sys/kernel/mm/transparent_hugepage/enabled` is `madvise`, the common default): one fault per
//! 2 MiB. Everything else goes to the system allocator, as does a large allocation this module
//! cannot place (more than [`TRACKED`] live at once, a failed `mmap`, an alignment above 2 MiB). A
//! block that grows is remapped, not copied.
//!
//! A freed block is kept for the next large allocation that fits in it (up to [`KEPT`] blocks),
//! as long as the blocks live and kept together take no more than the most that have been live
//! at once; a new mapping, before its pages are touched, unmaps kept blocks until that holds
//! again. So the blocks never hold more memory than a render that unmaps at once has held at its
//! peak, and a render that frees a canvas and makes another of the same size (scene after scene
//! of a course, the chunks of an animation) writes memory it already has: a new block costs a
//! page fault and a clearing per 2 MiB, and 0.2 to 8 ms a block on a virtual machine whose host
//! took the memory back. A kept block handed out zeroed is zeroed here (a canvas written whole
//! is not asked zeroed: see [`canvas_written`]), and a build ends by unmapping the kept blocks
//! ([`release_kept`]), so a process that watches for changes holds only what is live between
//! builds. Against unmapping at once (whole processes, runs interleaved, medians): `render
//! scenes/` from an empty folder 621 → 564 ms and 1,130 → 1,018 ms of CPU time (30 runs; 237 →
//! 68 mappings made), 3840 × 2160 186 → 167 ms (10 runs), quad60 and 1280 × 960 within noise;
//! peak memory 1 to 3 MB more (the kept blocks stay mapped past the moment they were freed,
//! beside memory the system allocator takes later). An earlier version that kept any four freed
//! blocks raised the 10,000-step render's peak by 8 MB; under the rule above it rose by 1.2 MB
//! (4 runs).
//!
//! Against the system allocator with huge pages asked for buffers of 2 MiB or more only
//! (whole processes, runs interleaved, medians):
//!
//! | scene | faults | time | peak memory |
//! |---|---|---|---|
//! | quad60 (30 runs) | 2,662 → 1,454 | 34.0 → 31.5 ms | 15.0 → 20.2 MB |
//! | 1280 × 960, 60 steps (10 runs) | 5,881 → 1,702 | 63.8 → 53.8 ms | 34.0 → 40.7 MB |
//! | 10,000 steps (3 runs) | 27,891 → 19,531 | 1.40 → 1.30 s | 84.8 → 94.6 MB |
//!
//! [`LARGE`] was a megabyte then. At half a megabyte it takes in the canvas of a chart
//! (640 × 360 for a 640 × 480 scene): quad60 1,486 → 1,250 faults and 42.8 → 41.0 ms of CPU
//! time (30 runs); 3840 × 2160 7,676 → 6,922 faults, 165 → 169 MB peak (5 runs); the 10,000
//! steps unchanged. A quarter of a megabyte took 100 faults more off quad60 for no time
//! measured and 1.3 MB more memory.
//!
//! Elsewhere (not Linux), [`HugePages`] is the system allocator.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};

/// The huge page size of x86-64 and of 4 KiB-page AArch64, bytes.
const HUGE_PAGE: usize = 2 << 20;

/// The size from which a zeroed allocation is mapped on huge pages, bytes.
pub const LARGE: usize = 512 << 10;

/// The size from which an allocation that is not zeroed is mapped on huge pages, bytes.
pub const LARGE_UNZEROED: usize = 2 << 20;

/// How many huge-page allocations may be live at once (more go to the system allocator).
pub const TRACKED: usize = 64;

/// How many freed blocks may be kept for reuse at once.
pub const KEPT: usize = 32;

/// The global allocator of the `render` binary (see the module's header).
pub struct HugePages;

#[cfg(target_os = "linux")]
mod linux {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::*};

    /// The live huge-page blocks, each slot an address and a length (address 0: an empty
    /// slot). A slot is claimed by setting its address from 0 to [`CLAIMED`], then its length,
    /// then its address; it is changed and emptied by the block's owner alone, and a lookup
    /// looks for an address its caller owns.
    struct Mappings {
        address: [AtomicUsize; TRACKED],
        length: [AtomicUsize; TRACKED],
    }

    /// A slot being filled (no mapping starts at address 1).
    const CLAIMED: usize = 1;

    static LIVE: Mappings = Mappings {
        address: [const { AtomicUsize::new(0) }; TRACKED],
        length: [const { AtomicUsize::new(0) }; TRACKED],
    };

    impl Mappings {
        /// Records a mapping; false when every slot is taken.
        fn insert(&self, address: usize, length: usize) -> bool {
            for k in 0..TRACKED {
                if self.address[k]
                    .compare_exchange(0, CLAIMED, AcqRel, Relaxed)
                    .is_ok()
                {
                    self.length[k].store(length, Relaxed);
                    self.address[k].store(address, Release);
                    return true;
                }
            }
            false
        }

        /// The slot of the mapping at `address`, if recorded.
        fn find(&self, address: usize) -> Option<usize> {
            (0..TRACKED).find(|&k| self.address[k].load(Acquire) == address)
        }

        /// Forgets slot `k`; returns its mapping's length.
        fn remove(&self, k: usize) -> usize {
            let length = self.length[k].load(Relaxed);
            self.address[k].store(0, Release);
            length
        }
    }

    /// `size` rounded up to whole huge pages.
    fn mapped_length(size: usize) -> usize {
        size.div_ceil(HUGE_PAGE) * HUGE_PAGE
    }

    /// A new mapping of `length` bytes (whole huge pages), 2 MiB-aligned, advised onto huge
    /// pages; null on failure.
    fn map(length: usize) -> *mut u8 {
        let Some(over) = length.checked_add(HUGE_PAGE) else {
            return std::ptr::null_mut();
        };
        // SAFETY: a fresh private anonymous mapping; nothing else refers to it. The parts
        // before the aligned start and after its end are unmapped again, so exactly
        // [aligned, aligned + length) stays mapped, and MADV_HUGEPAGE only sets how it is
        // paged in.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                over,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            let start = p as usize;
            let aligned = start.next_multiple_of(HUGE_PAGE);
            if aligned > start {
                libc::munmap(p, aligned - start);
            }
            let tail = start + over - (aligned + length);
            if tail > 0 {
                libc::munmap((aligned + length) as *mut libc::c_void, tail);
            }
            libc::madvise(aligned as *mut libc::c_void, length, libc::MADV_HUGEPAGE);
            aligned as *mut u8
        }
    }

    /// Blocks freed and kept for reuse, and what is mapped (see the module header): at most
    /// [`KEPT`] blocks, each 2 MiB-aligned, and only as long as the blocks live and kept
    /// together take no more than the most that have been live at once. A slot's length is 0
    /// when it is empty.
    struct Pool {
        kept: [(usize, usize); KEPT],
        /// Bytes in `kept`.
        kept_bytes: usize,
        /// Bytes in live blocks.
        live: usize,
        /// The most bytes live at once so far.
        most: usize,
    }

    static POOL: std::sync::Mutex<Pool> = std::sync::Mutex::new(Pool {
        kept: [(0, 0); KEPT],
        kept_bytes: 0,
        live: 0,
        most: 0,
    });

    fn pool() -> std::sync::MutexGuard<'static, Pool> {
        crate::sync::lock(&POOL)
    }

    impl Pool {
        /// Counts `length` more bytes live (a mapping just made or grown, its new pages not
        /// touched yet), then unmaps kept blocks until the kept and the live ones together fit
        /// in the most ever live (counting the new ones).
        fn grow_live(&mut self, length: usize) {
            self.live += length;
            self.most = self.most.max(self.live);
            for k in 0..KEPT {
                if self.live + self.kept_bytes <= self.most {
                    break;
                }
                self.unmap_kept(k);
            }
        }

        /// Unmaps the kept block in slot `k`, if there is one, and empties the slot.
        fn unmap_kept(&mut self, k: usize) {
            let (address, kept) = self.kept[k];
            if kept > 0 {
                unmap(address, kept);
                self.kept[k] = (0, 0);
                self.kept_bytes -= kept;
            }
        }

        /// A kept block of `length` bytes, now counted live: one of exactly that length, else
        /// the front of the shortest longer one (its rest stays kept).
        fn take(&mut self, length: usize) -> Option<usize> {
            let k = (0..KEPT)
                .filter(|&k| self.kept[k].1 >= length)
                .min_by_key(|&k| self.kept[k].1)?;
            let (address, kept) = self.kept[k];
            self.kept[k] = if kept > length {
                (address + length, kept - length)
            } else {
                (0, 0)
            };
            self.kept_bytes -= length;
            self.live += length;
            Some(address)
        }

        /// Takes a freed block out of the live count, keeping it for reuse when it is
        /// 2 MiB-aligned, a slot is free and it fits under the most ever live; unmaps it
        /// otherwise.
        fn give_back(&mut self, address: usize, length: usize) {
            self.live -= length;
            let fits = self.live + self.kept_bytes + length <= self.most;
            let slot = (0..KEPT).find(|&k| self.kept[k].1 == 0);
            match slot {
                Some(k) if fits && address % HUGE_PAGE == 0 => {
                    self.kept[k] = (address, length);
                    self.kept_bytes += length;
                }
                _ => unmap(address, length),
            }
        }
    }

    /// Unmaps every kept block; returns (bytes live, bytes kept before, most ever live).
    pub(super) fn release_kept() -> (usize, usize, usize) {
        let mut pool = pool();
        let kept = pool.kept_bytes;
        for k in 0..KEPT {
            pool.unmap_kept(k);
        }
        (pool.live, kept, pool.most)
    }

    /// (bytes live, bytes kept, most ever live).
    #[cfg(test)]
    pub(super) fn pool_state() -> (usize, usize, usize) {
        let pool = pool();
        (pool.live, pool.kept_bytes, pool.most)
    }

    /// A huge-page block of at least `size` bytes, zeroed when asked; null when none can be
    /// made (the caller goes to the system allocator). A new mapping is zeroed already; a
    /// kept one is zeroed here.
    pub(super) fn alloc(size: usize, zeroed: bool) -> *mut u8 {
        let length = mapped_length(size);
        let mut held = pool();
        if let Some(address) = held.take(length) {
            drop(held);
            if !LIVE.insert(address, length) {
                pool().give_back(address, length);
                return std::ptr::null_mut();
            }
            if zeroed {
                // SAFETY: a kept block of `length` ≥ `size` bytes, now this caller's alone.
                unsafe { std::ptr::write_bytes(address as *mut u8, 0, size) };
            }
            return address as *mut u8;
        }
        drop(held);
        // Counted once it exists: a mapping that fails leaves the most ever live as it was.
        // (Its pages are not touched before the kept blocks that no longer fit are unmapped.)
        let p = map(length);
        if p.is_null() {
            return p;
        }
        pool().grow_live(length);
        if !LIVE.insert(p as usize, length) {
            pool().give_back(p as usize, length);
            return std::ptr::null_mut();
        }
        p
    }

    /// Unmaps a mapping made by `map`.
    fn unmap(address: usize, length: usize) {
        // SAFETY: the mapping was made by `map` with this length and is no longer used.
        unsafe { libc::munmap(address as *mut libc::c_void, length) };
    }

    /// Frees `p` if it is a huge-page block; false when it belongs to the system allocator.
    pub(super) fn dealloc(p: *mut u8) -> bool {
        let Some(k) = LIVE.find(p as usize) else {
            return false;
        };
        let length = LIVE.remove(k);
        pool().give_back(p as usize, length);
        true
    }

    /// Resizes the huge-page block `p` (`layout` as allocated) to `new` bytes: in place while its
    /// pages suffice, else by remapping its pages (no copy); a block that shrinks below
    /// [`LARGE`], or whose alignment a remapping would not keep, is copied into a new block.
    /// `None` when `p` is not a huge-page block.
    pub(super) fn realloc(p: *mut u8, layout: Layout, new: usize) -> Option<*mut u8> {
        let k = LIVE.find(p as usize)?;
        let length = LIVE.length[k].load(Relaxed);
        if (LARGE..=length).contains(&new) {
            return Some(p);
        }
        if new >= LARGE && layout.align() <= 4096 {
            let grown = mapped_length(new);
            // While the pages move, the slot names no address: a mapping another thread makes
            // meanwhile may get `p` back, and its free must not find this slot.
            LIVE.address[k].store(CLAIMED, Release);
            // SAFETY: `p` starts a live mapping of `length` bytes owned by the caller;
            // MREMAP_MAYMOVE moves its pages (contents kept) to a page-aligned mapping of
            // `grown` bytes, or fails and leaves it as it was.
            let q = unsafe { libc::mremap(p.cast(), length, grown, libc::MREMAP_MAYMOVE) };
            if q == libc::MAP_FAILED {
                LIVE.address[k].store(p as usize, Release);
                return Some(std::ptr::null_mut());
            }
            LIVE.length[k].store(grown, Relaxed);
            LIVE.address[k].store(q as usize, Release);
            pool().grow_live(grown - length);
            return Some(q.cast());
        }
        // SAFETY: `new` is non-zero (the caller's contract) and `layout.align()` a valid
        // alignment, so the layout is valid, and allocating it is the allocator's own rule.
        let q = unsafe {
            let new_layout = Layout::from_size_align_unchecked(new, layout.align());
            HugePages.alloc(new_layout)
        };
        if !q.is_null() {
            // SAFETY: both blocks are live, distinct and at least this long.
            unsafe { std::ptr::copy_nonoverlapping(p, q, layout.size().min(new)) };
            let length = LIVE.remove(k);
            pool().give_back(p as usize, length);
        }
        Some(q)
    }
}

/// Whether a block of `layout` may be one this allocator maps itself.
#[cfg(target_os = "linux")]
fn large(layout: Layout) -> bool {
    layout.size() >= LARGE && layout.align() <= HUGE_PAGE
}

/// A huge-page block for `layout` when it is `from` bytes or more and one can be made; null
/// otherwise (the caller goes to the system allocator).
#[cfg(target_os = "linux")]
fn mapped(layout: Layout, from: usize, zeroed: bool) -> *mut u8 {
    if large(layout) && layout.size() >= from {
        linux::alloc(layout.size(), zeroed)
    } else {
        std::ptr::null_mut()
    }
}

// SAFETY: every block is either the system allocator's, passed through untouched, or a mapping
// of this module recorded in its table from allocation to deallocation: at least
// `layout.size()` bytes long, 2 MiB-aligned when made and page-aligned when remapped, which
// happens only for alignments of a page or less. A block's size is at least LARGE for as long
// as it is a mapping, so a smaller layout is always the system's; a larger one is looked up in
// the table before it is treated as a mapping. The system allocator never returns an address
// inside a live mapping, so the two never mix.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        {
            // A canvas about to be written whole is placed as a zeroed one would be (the flag
            // is read only for a block that could be mapped: not on every small allocation).
            let canvas = large(layout) && CANVAS.get();
            let from = if canvas { LARGE } else { LARGE_UNZEROED };
            let p = mapped(layout, from, false);
            if !p.is_null() {
                return p;
            }
        }
        // SAFETY: the caller's layout contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // A new mapping is zeroed already.
        #[cfg(target_os = "linux")]
        {
            let p = mapped(layout, LARGE, true);
            if !p.is_null() {
                return p;
            }
        }
        // SAFETY: the caller's layout contract, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if large(layout) && linux::dealloc(ptr) {
            return;
        }
        // SAFETY: not a mapping of this allocator, so the system allocator's block.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A huge-page block is LARGE or more (one that shrinks below is moved to the system).
        #[cfg(target_os = "linux")]
        if large(layout) {
            if let Some(p) = linux::realloc(ptr, layout, new_size) {
                return p;
            }
        }
        // SAFETY: not a mapping of this allocator, so the system allocator's block.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Unmaps the freed blocks kept for reuse: for a process that goes on after a build (`--watch`),
/// so that between builds it holds only what is live.
pub fn release_kept() {
    #[cfg(target_os = "linux")]
    linux::release_kept();
}

std::thread_local! {
    /// Whether the allocation this thread is making is the memory of a canvas that
    /// [`canvas_written`] writes whole: placed as a zeroed allocation of its size would be (on
    /// huge pages from [`LARGE`]), but not zeroed.
    static CANVAS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A `width` × `height` canvas whose bytes `write` appends to the empty buffer it is given (with
/// room for all of them), or `None` for a size tiny-skia does not take or when `write` leaves
/// other than `4 · width · height` bytes. Its memory is not cleared first: a block kept for
/// reuse (see the module header) is written once, not zeroed and then overwritten (on `render
/// scenes/`, 3 % of the instructions were that zeroing).
pub fn canvas_written(
    width: u32,
    height: u32,
    write: impl FnOnce(&mut Vec<u8>),
) -> Option<tiny_skia::Pixmap> {
    let size = tiny_skia::IntSize::from_wh(width, height)?;
    let len = 4usize
        .checked_mul(width as usize)?
        .checked_mul(height as usize)?;
    /// Ends the canvas's allocation, however it ends (a capacity overflow panics).
    struct Allocated;
    impl Drop for Allocated {
        fn drop(&mut self) {
            CANVAS.set(false);
        }
    }
    let mut bytes = {
        let _allocated = Allocated;
        CANVAS.set(true);
        Vec::with_capacity(len)
    };
    write(&mut bytes);
    tiny_skia::Pixmap::from_vec(bytes, size)
}

/// An opaque `width` × `height` canvas of colour `rgb` (see [`canvas_written`]).
pub fn canvas_of(width: u32, height: u32, rgb: [u8; 3]) -> Option<tiny_skia::Pixmap> {
    canvas_written(width, height, |bytes| {
        // The capacity is what was asked for, exactly (`Vec::with_capacity`), and never 0
        // (tiny-skia takes no empty size).
        let len = bytes.capacity();
        bytes.extend_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        // Doubling: each copy is of what is written already.
        while bytes.len() < len {
            bytes.extend_from_within(..bytes.len().min(len - bytes.len()));
        }
    })
}

/// A copy of `source`, in memory not cleared first (see [`canvas_written`]).
pub fn canvas_copy(source: &tiny_skia::Pixmap) -> Option<tiny_skia::Pixmap> {
    canvas_written(source.width(), source.height(), |bytes| {
        bytes.extend_from_slice(source.data())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests that map blocks, one at a time: the kept blocks are the process's, and one
    /// test reads what another would change.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        crate::sync::lock(&SERIAL)
    }

    /// The pool's rule: the blocks live and kept take no more than the most ever live.
    fn assert_pool_bounded() {
        #[cfg(target_os = "linux")]
        {
            let (live, kept, most) = linux::pool_state();
            assert!(live + kept <= most, "{live} live + {kept} kept > {most}");
        }
    }

    /// A freed block serves the next allocation that fits, zeroed when asked, a shorter one
    /// from its front; the blocks live and kept never take more than the most ever live, and
    /// a block larger than that first unmaps the kept ones.
    #[cfg(target_os = "linux")]
    #[test]
    fn freed_blocks_are_reused_within_the_most_ever_live() {
        let _serial = serial();
        let a = HugePages;
        let (live, _, _) = linux::release_kept();
        assert_eq!(live, 0, "no block of another test is live");
        let three = Layout::from_size_align(3 * HUGE_PAGE - 5, 64).unwrap();
        // SAFETY: every block is written within its size and freed once with its layout.
        unsafe {
            let p = a.alloc_zeroed(three);
            std::ptr::write_bytes(p, 0xA5, three.size());
            a.dealloc(p, three);
            assert_pool_bounded();
            assert_eq!(
                linux::pool_state().1,
                3 * HUGE_PAGE,
                "the freed block is kept"
            );
            let q = a.alloc_zeroed(three);
            assert_eq!(q, p, "the kept block is handed out again");
            let bytes = std::slice::from_raw_parts(q, three.size());
            assert!(bytes.iter().all(|&b| b == 0), "and zeroed");
            std::ptr::write_bytes(q, 0x5A, three.size());
            a.dealloc(q, three);
            // Two pages from the front, then the third page.
            let two = Layout::from_size_align(HUGE_PAGE + 1, 8).unwrap();
            let one = Layout::from_size_align(HUGE_PAGE, 8).unwrap();
            let r = a.alloc(two);
            assert_eq!(r, p);
            let s = a.alloc(one);
            assert_eq!(s, p.add(2 * HUGE_PAGE));
            assert_eq!(*s, 0x5A, "a block not asked zeroed is not zeroed");
            assert_pool_bounded();
            a.dealloc(r, two);
            a.dealloc(s, one);
            assert_pool_bounded();
            // More than ever live: the kept blocks go first.
            let (_, kept, most) = linux::pool_state();
            assert!(kept > 0);
            let big = Layout::from_size_align(most + 1, 8).unwrap();
            let b = a.alloc(big);
            assert!(!b.is_null());
            *b.add(most) = 1;
            let (live, kept, now_most) = linux::pool_state();
            assert_eq!((live, kept), (now_most, 0), "{most}");
            a.dealloc(b, big);
            assert_pool_bounded();
        }
        // An allocation no mapping can hold changes nothing: the most ever live stays, and
        // so do the kept blocks.
        // SAFETY: a null result is not used; a block that is made is freed with its layout.
        unsafe {
            let small = Layout::from_size_align(HUGE_PAGE, 8).unwrap();
            let s = a.alloc(small);
            a.dealloc(s, small);
            let before = linux::pool_state();
            let huge = Layout::from_size_align(1 << 46, 8).unwrap();
            let h = a.alloc(huge);
            if h.is_null() {
                assert_eq!(linux::pool_state(), before);
            } else {
                a.dealloc(h, huge);
            }
        }
        release_kept();
        assert_eq!(linux::pool_state().1, 0, "nothing kept after a release");
    }

    /// Blocks of every size class keep what is written to them through growth, shrinking and
    /// reuse, zeroed blocks are zero (reused ones too), and alignments up to 2 MiB hold.
    #[test]
    fn blocks_hold_their_bytes_through_growth_shrinking_and_reuse() {
        let _serial = serial();
        let a = HugePages;
        let sizes = [1, 4096, LARGE - 1, LARGE, LARGE + 17, 3 * HUGE_PAGE + 5];
        for round in 0..3 {
            for &size in &sizes {
                for align in [1, 16, 4096, HUGE_PAGE] {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    // SAFETY: a non-zero size; every block is freed with its layout.
                    unsafe {
                        let z = a.alloc_zeroed(layout);
                        assert!(!z.is_null() && z as usize % align == 0);
                        assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                        std::ptr::write_bytes(z, 0xA5, size);
                        a.dealloc(z, layout);
                        let p = a.alloc(layout);
                        assert!(!p.is_null() && p as usize % align == 0);
                        for k in 0..size {
                            *p.add(k) = (k * 7 + round) as u8;
                        }
                        let grown = size * 2 + 3;
                        let p = a.realloc(p, layout, grown);
                        assert!(!p.is_null() && p as usize % align.min(16) == 0);
                        let same = (0..size).all(|k| *p.add(k) == (k * 7 + round) as u8);
                        assert!(same, "size {size}, align {align}: bytes lost growing");
                        let grown_layout = Layout::from_size_align(grown, align).unwrap();
                        let shrunk = size / 2 + 1;
                        let p = a.realloc(p, grown_layout, shrunk);
                        let same = (0..shrunk).all(|k| *p.add(k) == (k * 7 + round) as u8);
                        assert!(same, "size {size}, align {align}: bytes lost shrinking");
                        a.dealloc(p, Layout::from_size_align(shrunk, align).unwrap());
                    }
                }
            }
        }
    }

    /// Many large blocks live at once (more than the table tracks) come from both sources and
    /// are freed by the right one.
    #[test]
    fn more_large_blocks_than_tracked_fall_back_to_the_system() {
        let _serial = serial();
        let a = HugePages;
        let layout = Layout::from_size_align(LARGE, 16).unwrap();
        // SAFETY: each block is written within its size and freed once with its layout.
        unsafe {
            let blocks: Vec<*mut u8> = (0..TRACKED + 8)
                .map(|k| {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    std::ptr::write_bytes(p, k as u8, LARGE);
                    p
                })
                .collect();
            for (k, &p) in blocks.iter().enumerate() {
                assert_eq!((*p, *p.add(LARGE - 1)), (k as u8, k as u8));
            }
            for p in blocks {
                a.dealloc(p, layout);
            }
        }
    }

    /// Threads allocating, growing and freeing large blocks at once each keep their own bytes.
    #[test]
    fn threads_never_share_or_lose_a_block() {
        let _serial = serial();
        std::thread::scope(|scope| {
            for t in 0..4u8 {
                scope.spawn(move || {
                    let a = HugePages;
                    for k in 0..40 {
                        let size = LARGE + k * 4099;
                        let layout = Layout::from_size_align(size, 8).unwrap();
                        // SAFETY: written within its size, freed once with its last layout.
                        unsafe {
                            let p = a.alloc_zeroed(layout);
                            assert!(!p.is_null());
                            std::ptr::write_bytes(p, t, size);
                            let grown = 2 * size + 1;
                            let p = a.realloc(p, layout, grown);
                            std::thread::yield_now();
                            let bytes = std::slice::from_raw_parts(p, size);
                            assert!(bytes.iter().all(|&b| b == t), "thread {t}, block {k}");
                            a.dealloc(p, Layout::from_size_align(grown, 8).unwrap());
                        }
                    }
                });
            }
        });
        assert_pool_bounded();
    }

    /// Four threads allocate, zero, grow, shrink and free blocks of sizes about the thresholds
    /// and whole huge pages, with alignments up to 2 MiB, while the kept blocks are released
    /// now and then: every block keeps its bytes, zeroed ones start zeroed, and the blocks
    /// live and kept never take more than the most ever live.
    #[test]
    fn random_work_on_four_threads_keeps_every_block_and_the_pool_bounded() {
        let _serial = serial();
        release_kept();
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                scope.spawn(move || {
                    let a = HugePages;
                    let mut x = 0x9E37_79B9_7F4A_7C15_u64 ^ (t + 1).wrapping_mul(0xAB_CDEF_1234);
                    let mut next = move || {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x
                    };
                    let holds = |p: *const u8, n: usize, v: u8| {
                        // SAFETY: `p` is a live block of at least `n` bytes.
                        let bytes = unsafe { std::slice::from_raw_parts(p, n) };
                        bytes.iter().position(|&b| b != v)
                    };
                    let mut blocks: Vec<(*mut u8, Layout, u8)> = Vec::new();
                    for k in 0..250usize {
                        let r = next();
                        let sizes = [LARGE, HUGE_PAGE, 2 * HUGE_PAGE, 3 * HUGE_PAGE];
                        let size = sizes[(r % 4) as usize] + ((r >> 8) % 9) as usize - 4;
                        let align = [8, 64, 4096, HUGE_PAGE][((r >> 16) % 4) as usize];
                        let layout = Layout::from_size_align(size, align).unwrap();
                        let tag = (t as u8) * 60 + (k % 50) as u8 + 1;
                        // SAFETY: every block is written within its size and freed once with
                        // its last layout.
                        unsafe {
                            match (r >> 24) % 6 {
                                0 | 1 if blocks.len() < 6 => {
                                    let zeroed = (r >> 32) % 2 == 0;
                                    let p = if zeroed {
                                        a.alloc_zeroed(layout)
                                    } else {
                                        a.alloc(layout)
                                    };
                                    assert!(!p.is_null() && p as usize % align == 0);
                                    if zeroed {
                                        assert_eq!(holds(p, size, 0), None, "thread {t}: zeroed");
                                    }
                                    std::ptr::write_bytes(p, tag, size);
                                    blocks.push((p, layout, tag));
                                }
                                2 | 3 if !blocks.is_empty() => {
                                    let i = (r >> 32) as usize % blocks.len();
                                    let (p, old, v) = blocks[i];
                                    let new = match next() % 3 {
                                        0 => old.size() / 2 + 1,
                                        1 => old.size() + HUGE_PAGE + 3,
                                        _ => old.size() * 2 - 5,
                                    };
                                    let q = a.realloc(p, old, new);
                                    assert!(!q.is_null());
                                    let kept = old.size().min(new);
                                    assert_eq!(holds(q, kept, v), None, "thread {t}: realloc");
                                    std::ptr::write_bytes(q, tag, new);
                                    let layout = Layout::from_size_align(new, old.align()).unwrap();
                                    blocks[i] = (q, layout, tag);
                                }
                                4 if t == 0 && k % 97 == 0 => release_kept(),
                                _ if !blocks.is_empty() => {
                                    let i = (r >> 32) as usize % blocks.len();
                                    let (p, layout, v) = blocks.swap_remove(i);
                                    assert_eq!(holds(p, layout.size(), v), None, "thread {t}");
                                    a.dealloc(p, layout);
                                }
                                _ => {}
                            }
                        }
                        assert_pool_bounded();
                    }
                    for (p, layout, v) in blocks {
                        assert_eq!(holds(p, layout.size(), v), None, "thread {t}: at the end");
                        // SAFETY: a live block, freed once with its layout.
                        unsafe { a.dealloc(p, layout) };
                    }
                });
            }
        });
        #[cfg(target_os = "linux")]
        assert_eq!(linux::release_kept().0, 0, "every block freed");
    }
}
