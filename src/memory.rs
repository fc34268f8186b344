//! Large buffers (canvases, a full frame's palette indices) on huge pages where the system
//! offers them. This is the one module with `unsafe` code: one `madvise` call.
//!
//! A buffer of several megabytes is new memory, and the kernel hands it over 4 KiB at a time,
//! one page fault each, as it is first written: a 3840 × 2160 canvas is 33 MB, 8,100 faults.
//! Asked for huge pages (`MADV_HUGEPAGE`; Linux gives them to a process that asks when
//! `/sys/kernel/mm/transparent_hugepage/enabled` is `madvise`, the common default), it takes
//! one fault per 2 MiB instead. Measured on 2 cores, runs interleaved, medians:
//!
//! | scene | faults | time |
//! |---|---|---|
//! | 3840 × 2160, 60 steps (10 runs) | 53,414 → 16,012 | 352 → 265 ms |
//! | 1280 × 960, 60 steps (15 runs) | 10,928 → 6,349 | 79.0 → 70.3 ms |
//! | 10,000 steps at 640 × 480 (3 runs) | 28,134 → 27,710 | 1.36 → 1.31 s |
//!
//! Peak memory moves little: 144.5 → 158.3 MB at 3840 × 2160, 37.8 → 33.8 MB at 1280 × 960.
//!
//! A buffer under 2 MiB holds no whole huge page and is left as it is, as is a buffer anywhere
//! `madvise` fails or does not exist: the advice changes how fast memory is paged in, never
//! what it holds.

#![allow(unsafe_code)]

/// The huge page size of x86-64 and of 4 KiB-page AArch64, bytes.
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the whole huge pages within `[start, start + len)` with huge pages.
fn advise_huge_pages(start: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        let start = start as usize;
        let first = start.div_ceil(HUGE_PAGE) * HUGE_PAGE;
        let end = (start + len) / HUGE_PAGE * HUGE_PAGE;
        if end > first {
            // SAFETY: `[first, end)` lies within one live allocation of this process (the
            // caller's buffer, which it owns). MADV_HUGEPAGE only sets how the range is paged
            // in: it does not change the range's contents, mapping or validity, so no Rust
            // reference to that memory is affected. Its result is ignored: on failure the
            // memory stays as it was.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

/// `len` zero bytes (see the module's header).
pub fn zeroed(len: usize) -> Vec<u8> {
    // Zeroed memory fresh from the system is not written by the allocator: the advice comes
    // before the first write.
    let buffer = vec![0u8; len];
    if len >= HUGE_PAGE {
        advise_huge_pages(buffer.as_ptr(), len);
    }
    buffer
}

/// `len` zeros as `f64` (see the module's header).
pub fn zeroed_f64(len: usize) -> Vec<f64> {
    let buffer = vec![0.0f64; len];
    if len * size_of::<f64>() >= HUGE_PAGE {
        advise_huge_pages(buffer.as_ptr().cast(), len * size_of::<f64>());
    }
    buffer
}

/// An empty vector with room for `capacity` bytes (see the module's header).
pub fn with_capacity(capacity: usize) -> Vec<u8> {
    let buffer: Vec<u8> = Vec::with_capacity(capacity);
    if capacity >= HUGE_PAGE {
        advise_huge_pages(buffer.as_ptr(), capacity);
    }
    buffer
}

/// A transparent `width` × `height` canvas, or `None` for a size tiny-skia does not take.
pub fn canvas(width: u32, height: u32) -> Option<tiny_skia::Pixmap> {
    let size = tiny_skia::IntSize::from_wh(width, height)?;
    let len = 4usize
        .checked_mul(width as usize)?
        .checked_mul(height as usize)?;
    tiny_skia::Pixmap::from_vec(zeroed(len), size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_what_they_say_whatever_their_size() {
        for len in [0, 1, 4096, HUGE_PAGE - 1, HUGE_PAGE, 3 * HUGE_PAGE + 17] {
            let z = zeroed(len);
            assert_eq!(z.len(), len);
            assert!(z.iter().all(|&b| b == 0));
            let f = zeroed_f64(len / 4);
            assert_eq!(f.len(), len / 4);
            assert!(f.iter().all(|&v| v == 0.0));
            let mut v = with_capacity(len);
            assert!(v.is_empty() && v.capacity() >= len);
            v.extend((0..len).map(|k| k as u8));
            assert!(v.iter().enumerate().all(|(k, &b)| b == k as u8));
        }
        let c = canvas(1280, 960).unwrap();
        assert_eq!(
            (c.width(), c.height(), c.data().len()),
            (1280, 960, 1280 * 960 * 4)
        );
        assert!(c.data().iter().all(|&b| b == 0));
        assert!(canvas(0, 10).is_none());
    }
}
