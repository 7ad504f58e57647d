//! The global allocator of the `idx` binary, its benches and examples: mimalloc, asked for
//! aligned memory only when a type needs more alignment than every mimalloc block has.
//!
//! A build makes millions of small strings and vectors (names, aliases, mentions), and
//! mimalloc serves them faster than the system allocator. The `mimalloc` crate's allocator
//! passes every request to `mi_malloc_aligned`, whose fast path only holds while the page of
//! the size class has a free block at hand. Otherwise it takes a generic path that, for sizes
//! which are not a power of two, allocates `size + align - 1` bytes and marks the page as
//! holding interior pointers, which then slows every free on that page. A build allocates
//! often enough to take that path all the time. Plain `mi_malloc` has no such detour, so this
//! allocator uses it whenever its blocks are aligned enough, as the standard library's system
//! allocator does with `malloc`.
//!
//! mimalloc is built without asking Linux for transparent huge pages (the `no_thp` feature in
//! `Cargo.toml`). With them, every first touch of a 2 MB region faults in and zeroes the whole
//! region, and where the kernel compacts memory to find one (its default for memory that asks),
//! a build of news-articles-en spent 0.26-0.50 s in the kernel in three runs of eight instead of
//! 0.03-0.10 s. Without them the same builds spend 0.08-0.12 s there every time, take 0.46-0.52 s
//! instead of 0.42-0.70 s, and peak at 140-146 MB instead of 208-232 MB; `idx query` peaks at
//! 25 MB instead of 57 MB. The bench's fastest rounds do not change.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// Every mimalloc block is aligned to a machine word: its size classes are whole words, laid
/// out from word-aligned page starts. Larger alignments (16 for a 24-byte block) are not
/// guaranteed.
const MIN_ALIGN: usize = std::mem::size_of::<usize>();

/// The allocator to declare with `#[global_allocator]`.
pub struct Allocator;

/// Whether a plain allocation of `size` bytes is aligned enough for `align`. A block smaller
/// than the word is still a whole word, so `align <= size` also covers it.
fn plain_is_aligned(size: usize, align: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: each method returns memory from mimalloc with at least the layout's size and
// alignment (plain calls only when `plain_is_aligned` holds, the aligned calls otherwise), or
// null on failure, and frees only pointers mimalloc returned; `mi_free` accepts pointers of
// either kind of call.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout.size(), layout.align()) {
            mi_malloc(layout.size()).cast()
        } else {
            mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain_is_aligned(layout.size(), layout.align()) {
            mi_zalloc(layout.size()).cast()
        } else {
            mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, pointer: *mut u8, _layout: Layout) {
        mi_free(pointer.cast::<c_void>());
    }

    #[inline]
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain_is_aligned(new_size, layout.align()) {
            mi_realloc(pointer.cast::<c_void>(), new_size).cast()
        } else {
            mi_realloc_aligned(pointer.cast::<c_void>(), new_size, layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to a few pages, at every alignment up to a page, plain or zeroed, grown
    /// and shrunk: the memory is aligned, writable and keeps its bytes.
    #[test]
    fn gives_aligned_memory_that_keeps_its_bytes() {
        let allocator = Allocator;
        let sizes = (1..=256).chain([1000, 1024, 4095, 4096, 10_000, 70_000, 1 << 20]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).expect("layout");
                for zeroed in [false, true] {
                    // SAFETY: every layout has a non-zero size; each pointer is checked for
                    // null, used within its size and freed or reallocated with its layout.
                    unsafe {
                        let mut pointer = if zeroed {
                            allocator.alloc_zeroed(layout)
                        } else {
                            allocator.alloc(layout)
                        };
                        assert!(!pointer.is_null());
                        assert_eq!(pointer as usize % align, 0, "size {size} align {align}");
                        if zeroed {
                            assert!((0..size).all(|offset| *pointer.add(offset) == 0));
                        }
                        for offset in 0..size {
                            *pointer.add(offset) = offset as u8;
                        }
                        for new_size in [size / 2 + 1, size * 3] {
                            let moved = allocator.realloc(pointer, layout, new_size);
                            assert!(!moved.is_null());
                            assert_eq!(moved as usize % align, 0, "size {new_size} align {align}");
                            let kept = size.min(new_size);
                            assert!((0..kept).all(|offset| *moved.add(offset) == offset as u8));
                            let moved_layout =
                                Layout::from_size_align(new_size, align).expect("layout");
                            pointer = allocator.realloc(moved, moved_layout, size);
                            assert!(!pointer.is_null());
                            assert!((0..kept).all(|offset| *pointer.add(offset) == offset as u8));
                            for offset in kept..size {
                                *pointer.add(offset) = offset as u8;
                            }
                        }
                        allocator.dealloc(pointer, layout);
                    }
                }
            }
        }
    }
}
