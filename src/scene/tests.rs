//! Tests of the scene checker.
