//! Giving memory the build has freed back to the system. glibc's allocator
//! keeps what a thread frees for that thread's later requests, and returns
//! pages to the system only from the top of each arena. A page set of
//! thousands of rows frees large buffers (a chart's raster, a profile's
//! layout) between small allocations it keeps (each chart's SVG, each page),
//! so the freed room stayed in the process: at ten thousand rows the resident
//! set was twice the memory in use. `malloc_trim` hands back every free page.
//! Other allocators return memory of their own accord; there this does nothing.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Hands the pages freed so far back to the system.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory; it takes the allocator's own locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Calls [`give_back`] once every so many [`Every::tick`]s, counted over
/// every thread. A trim costs a few milliseconds and the pages it returns are
/// faulted in again when reused, so large sets trim now and then, not per row.
pub struct Every {
    every: usize,
    count: AtomicUsize,
}

impl Every {
    /// Every `every` ticks; never when `every` is 0.
    pub fn new(every: usize) -> Self {
        Every { every, count: AtomicUsize::new(0) }
    }

    pub fn tick(&self) {
        if self.every > 0 && (self.count.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(self.every) {
            give_back();
        }
    }
}
