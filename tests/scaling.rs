//! The cost of a page set grows linearly with its rows. Issue 18 found each
//! page's context copying every table into it, and each profile's chart
//! filtering the whole related table: the work per page grew with the rows, and
//! 4,000 rows took 110 s. Timing is no test (it varies with the machine), but
//! the bytes a build allocates are the same on every run, and per-page work
//! that grows with the table shows in them: this test counts them.
//!
//! The counting allocator serves this test binary alone, which holds this one test.

mod common;
// The benchmark's generated project, so the test measures what the benchmark times.
#[path = "../benches/common/regions.rs"]
mod regions;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The bytes allocated while every output of a project of `rows` rows is rendered in memory.
fn allocated_for(rows: usize) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    regions::write_project(dir.path(), rows, false);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let (status, messages) = common::check(dir.path());
    let after = ALLOCATED.load(Ordering::Relaxed);
    assert_eq!(status, 0, "{messages}");
    after - before
}

#[test]
fn doubling_the_rows_doubles_the_work_of_a_page_set() {
    // Fonts, templates and the briefing's own page are made once per process or per
    // build; the first build pays for the former, and the differences below leave out the latter.
    allocated_for(20);
    let [small, medium, large] = [60, 120, 240].map(allocated_for);
    // Linear work gives the second 120 rows twice what the 60 before them cost;
    // work per page that grows with the table gives four times as much.
    let first = medium.saturating_sub(small) as f64;
    let second = large.saturating_sub(medium) as f64;
    assert!(first > 0.0, "a larger set allocates more ({small} then {medium} bytes)");
    let ratio = second / first;
    let mib = |bytes: u64| bytes as f64 / (1 << 20) as f64;
    eprintln!(
        "allocated: {:.1} MiB for 60 rows, {:.1} for 120, {:.1} for 240; the second increase over the first: {ratio:.2}",
        mib(small),
        mib(medium),
        mib(large)
    );
    assert!(
        (1.7..2.35).contains(&ratio),
        "from 120 to 240 rows the build allocates {ratio:.2} times what it does from 60 to 120 \
         ({:.1}, {:.1} and {:.1} MiB): the work per page no longer stays flat as the rows grow",
        mib(small),
        mib(medium),
        mib(large)
    );
}
