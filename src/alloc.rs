//! How the process uses glibc's allocator, so that a crawl's memory stays flat.
//!
//! A page's bytes are allocated on an I/O thread and freed on a CPU thread, its DOM is
//! thousands of small allocations, and writers and the dedupe grow buffers of
//! megabytes. glibc's defaults suit none of that: many arenas per core, each keeping
//! its own fragmented free pages, and a mmap threshold that rises to the largest block
//! ever freed, so later large buffers are carved from the heap and stay resident.
//! Everything here is a no-op outside glibc.

/// Blocks at least this large are mapped on their own and returned when freed.
///
/// glibc starts at 128 KiB and raises the threshold to each freed mapped block's size
/// (up to 32 MiB): after the first large buffer is freed, every later one of that size
/// comes from the heap and its pages stay resident once freed, fragmented by the small
/// allocations around it. Fixing it at 1 MiB keeps page-sized buffers (about 100 KB) on
/// the fast heap path and maps only the few large ones: a 100,000-page crawl peaked at
/// 50 MB instead of 63 MB (1.08x a 2,000-page run instead of 1.30x).
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Tunes the allocator for a long run: one malloc arena per core (unless
/// `MALLOC_ARENA_MAX` is set) and a fixed mmap threshold (unless
/// `MALLOC_MMAP_THRESHOLD_` is set). `NEWSMILL_MALLOC=glibc` keeps glibc's defaults
/// (to compare, as `benches/crawl.rs` does). Called once at start, before any thread
/// allocates.
///
/// glibc gives threads up to eight arenas per core. A crawl's I/O threads allocate
/// pages that CPU threads free, so memory freed in one arena is reused only by the
/// threads that happen to land on it: a 100,000-page crawl peaked at 66–68 MB
/// (1.33–1.39× a 2,000-page run); with two arenas on two cores at 62 MB (1.21×), for
/// the same CPU per page.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("NEWSMILL_MALLOC").is_none_or(|v| v != "glibc") {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let cores = i32::try_from(cores).unwrap_or(i32::MAX);
            // SAFETY: mallopt only sets a tunable of the allocator; M_ARENA_MAX takes
            // any positive count and affects only arenas created after the call.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, cores);
            }
        }
        if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
            // SAFETY: as above; M_MMAP_THRESHOLD takes any size up to 32 MiB and
            // applies to later allocations only.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            }
        }
    }
}

/// Hands memory that the allocator holds but no longer uses back to the system.
///
/// Over a 20,000-page crawl the resident memory crept up by about a kilobyte per page
/// while the live heap stayed flat (heaptrack: 32 MB peak heap at 2,000 pages, 34 MB at
/// 8,000). `malloc_trim` releases the free pages of every arena.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has no
    // preconditions and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
