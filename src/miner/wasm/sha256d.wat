;; Double SHA-256 nonce search, 4 nonces at a time in the lanes of an i32x4 vector.
;;
;; Built into sha256d-wasm.ts by tools/build-wasm.ts; the caller is wasm-scanner.ts, which
;; fills the memory below once per job (every value splatted to all four lanes) and calls
;; `scan`. Lane k of an iteration hashes nonce start + i + k, so the lowest set bit of a
;; comparison mask is the lowest nonce.
;;
;; Memory layout (byte offsets; every slot is one v128):
;;     0  K      64 round constants
;;  1024  W1     schedule of the header's second block (w0..w2, w4..w17 filled by the caller;
;;               w3 is the nonce, written here; w18..w63 expanded here)
;;  2048  W2     schedule of the second hash's block (w8..w15 padding filled by the caller)
;;  3072  S3     state after the second block's rounds 0..2 (they precede the nonce word)
;;  3200  MID    midstate: state after the header's first 64 bytes
;;  3328  IV     SHA-256 initial state
;;  3456  STATE  working state
;;  3584  TOP    the target's most significant 32-bit word
(module
  (memory (export "memory") 1)

  ;; @include sha256x4-core.wat

  ;; Offset from $start of the first nonce in [start, start + count) whose final hash has its
  ;; most significant word (bytes 28..31 read little-endian) at most TOP, or -1.
  ;; Nonces wrap modulo 2^32; count must be below 2^31 - 4.
  (func (export "scan") (param $start i32) (param $count i32) (result i32)
    (local $i i32) (local $mask i32) (local $nonces v128) (local $k i32)
    (block $none
      (loop $group
        (br_if $none (i32.ge_s (local.get $i) (local.get $count)))
        (local.set $nonces
          (i32x4.add (i32x4.splat (i32.add (local.get $start) (local.get $i))) (v128.const i32x4 0 1 2 3)))
        ;; w3 is the nonce as SHA-256 reads it: its 4 little-endian bytes taken big-endian
        (v128.store offset=1072 (i32.const 0)
          (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get $nonces) (local.get $nonces)))
        (call $expand (i32.const 1024) (i32.const 18) (i32.const 64))
        (call $rounds (i32.const 1024) (i32.const 3072) (i32.const 3456) (i32.const 3) (i32.const 64))
        ;; first hash = MID + STATE becomes the second hash's message words w0..w7
        (local.set $k (i32.const 0))
        (loop $word
          (v128.store offset=2048 (local.get $k)
            (i32x4.add (v128.load offset=3200 (local.get $k)) (v128.load offset=3456 (local.get $k))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $word (i32.lt_u (local.get $k) (i32.const 128))))
        ;; rounds 61..63 only move e into h, so h7 = IV[7] + e after round 60
        (call $expand (i32.const 2048) (i32.const 16) (i32.const 61))
        (call $rounds (i32.const 2048) (i32.const 3328) (i32.const 3456) (i32.const 0) (i32.const 61))
        (local.set $mask
          (i32x4.bitmask
            (i32x4.le_u
              (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12
                (i32x4.add (v128.load offset=3520 (i32.const 0)) (v128.load offset=3440 (i32.const 0))) ;; e + IV[7]
                (v128.const i32x4 0 0 0 0))
              (v128.load offset=3584 (i32.const 0)))))
        (if (local.get $mask)
          (then
            ;; lanes past the end of the range do not count
            (if (i32.lt_s (i32.sub (local.get $count) (local.get $i)) (i32.const 4))
              (then
                (local.set $mask
                  (i32.and (local.get $mask)
                    (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $count) (local.get $i))) (i32.const 1))))))
            (if (local.get $mask)
              (then (return (i32.add (local.get $i) (i32.ctz (local.get $mask))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $group)))
    (i32.const -1)))
