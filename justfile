# Convenience recipes. Nothing here is needed by the README's two commands.

# Render every scene in scenes/ into outputs/.
render:
    cargo run --release -- scenes/

# Check every scene without writing anything.
check:
    cargo run --release -- --check scenes/

# The test suite (what CI runs).
test:
    bash .ci/run

# Timings and sizes: stages in-process, the whole `render` process, and gifsicle's verdict.
bench:
    cargo build --release
    cargo bench

# Write frames 0, middle and last of a scene as PNG to look at: just frames scenes/gd_vs_momentum.toml
frames scene:
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -q
    steps=$(grep -E '^steps *=' {{scene}} | head -1 | sed 's/[^0-9]*\([0-9]*\).*/\1/')
    steps=${steps:-60}
    for k in 0 $((steps / 2)) $steps; do ./target/release/render --frame $k -o outputs/frames {{scene}}; done

# Regenerate the golden images after an intended change in the pictures.
bless:
    INERTIA_BLESS=1 cargo test --test gif golden
