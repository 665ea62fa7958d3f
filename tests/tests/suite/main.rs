//! One invariant suite, expanded per runtime by `demos_tests::per_runtime!`.
//! Tests assert properties and sets of allowed outcomes over many seeds and
//! worker counts — never one lucky interleaving, and never a timing.

mod balance;
mod bridge;
mod cancel;
mod child;
mod cli;
mod compile_fail;
mod compio;
mod echo;
mod files;
mod futures;
mod guide;
mod hostile;
mod interrupt;
mod local;
mod mixing;
mod ordering;
mod pools;
mod queue;
mod race;
mod random_cli;
mod scale;
mod scheduling;
mod starvation;
mod stress;
mod threads;
mod timeline;
mod timers;
