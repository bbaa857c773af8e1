# Sourced by scripts/dxmi and the benchmark scripts (the container image sets the same in its ENV): glibc
# allocator settings for the tensors, which live in glibc's heap, unless the environment gives its own.
#
# By default glibc hands a freed block above its (adaptive) mmap threshold back to the kernel, and a thread other
# than the process's first (the JVM's main thread is not) allocates in arenas of at most 64 MB that it trims: the
# next tensor of that size is then fresh pages, each faulted in and zeroed on first touch, and an image step
# allocates activations of several MB hundreds of times. One arena, a fixed 32 MB mmap threshold (the largest glibc
# accepts) and a 1 GB trim threshold keep freed tensors for reuse: a 28 x 28 UNet training step took 2.5x fewer page
# faults and about a third less time (README, "Speed against PyTorch"). Setting the trim threshold alone would be
# worse than nothing: it turns the adaptive mmap threshold off at 128 KB.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
