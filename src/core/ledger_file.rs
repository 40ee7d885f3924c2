//! Results files exchanged between devices, with a checksum, and merging them. (in progress)
