//! The canvases `render` makes in memory that is not cleared first, under the allocator the
//! binary installs: a block freed dirty and kept for reuse is handed out again, and a canvas
//! made in it holds only what was written.

#[global_allocator]
static ALLOCATOR: inertia::memory::HugePages = inertia::memory::HugePages;

use inertia::memory::{canvas_copy, canvas_of, canvas_written};

/// A zeroed buffer of `len` bytes (on huge pages from half a megabyte), filled with `byte` and
/// freed: the block the next canvas of its size may be given.
fn free_dirty(len: usize, byte: u8) {
    let mut dirty = vec![0u8; len];
    dirty.fill(byte);
    drop(std::hint::black_box(dirty));
}

#[test]
fn canvases_written_whole_hold_only_what_was_written() {
    for (w, h) in [
        (1usize, 1usize),
        (3, 7),
        (640, 360),
        (640, 480),
        (1280, 960),
    ] {
        free_dirty(4 * w * h, 0xA5);
        let c = canvas_of(w as u32, h as u32, [10, 200, 30]).unwrap();
        assert_eq!(c.data().len(), 4 * w * h);
        assert!(
            c.data().chunks_exact(4).all(|p| p == [10, 200, 30, 255]),
            "{w}×{h}: a byte of the freed block shows"
        );
        let mut source = c.clone();
        source.data_mut()[4 * (w * h / 2)] = 99;
        free_dirty(4 * w * h, 0x5A);
        let copy = canvas_copy(&source).unwrap();
        assert_eq!(copy.data(), source.data(), "{w}×{h}");
    }
}

#[test]
fn canvases_of_no_size_or_the_wrong_length_are_refused() {
    assert!(canvas_of(0, 5, [0; 3]).is_none());
    assert!(canvas_of(5, 0, [0; 3]).is_none());
    assert!(canvas_written(4, 4, |b| b.extend_from_slice(&[0; 60])).is_none());
    assert!(canvas_written(4, 4, |b| b.extend_from_slice(&[0; 64])).is_some());
}
