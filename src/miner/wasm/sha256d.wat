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

  ;; w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16] for t in [from, to), w at byte $w.
  (func $expand (param $w i32) (param $from i32) (param $to i32)
    (local $p i32) (local $end i32) (local $x v128) (local $y v128)
    (local.set $p (i32.add (local.get $w) (i32.shl (local.get $from) (i32.const 4))))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $to) (i32.const 4))))
    (loop $next
      (local.set $x (v128.load offset=0 (i32.sub (local.get $p) (i32.const 32))))   ;; w[t-2]
      (local.set $y (v128.load offset=0 (i32.sub (local.get $p) (i32.const 240))))  ;; w[t-15]
      (v128.store (local.get $p)
        (i32x4.add
          (i32x4.add
            ;; σ1(x) = rotr17 ^ rotr19 ^ shr10
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $x) (i32.const 17)) (i32x4.shl (local.get $x) (i32.const 15)))
                (v128.or (i32x4.shr_u (local.get $x) (i32.const 19)) (i32x4.shl (local.get $x) (i32.const 13))))
              (i32x4.shr_u (local.get $x) (i32.const 10)))
            (v128.load (i32.sub (local.get $p) (i32.const 112))))                     ;; w[t-7]
          (i32x4.add
            ;; σ0(y) = rotr7 ^ rotr18 ^ shr3
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $y) (i32.const 7)) (i32x4.shl (local.get $y) (i32.const 25)))
                (v128.or (i32x4.shr_u (local.get $y) (i32.const 18)) (i32x4.shl (local.get $y) (i32.const 14))))
              (i32x4.shr_u (local.get $y) (i32.const 3)))
            (v128.load (i32.sub (local.get $p) (i32.const 256))))))                   ;; w[t-16]
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $p) (local.get $end)))))

  ;; Rounds [from, to) of SHA-256 from the state at byte $in, result (without the final
  ;; feed-forward addition) to the state at byte $out; schedule already expanded at byte $w.
  (func $rounds (param $w i32) (param $in i32) (param $out i32) (param $from i32) (param $to i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $e v128) (local $f v128) (local $g v128) (local $h v128)
    (local $t1 v128) (local $t2 v128) (local $t i32) (local $end i32) (local $wt i32)
    (local.set $a (v128.load offset=0 (local.get $in)))
    (local.set $b (v128.load offset=16 (local.get $in)))
    (local.set $c (v128.load offset=32 (local.get $in)))
    (local.set $d (v128.load offset=48 (local.get $in)))
    (local.set $e (v128.load offset=64 (local.get $in)))
    (local.set $f (v128.load offset=80 (local.get $in)))
    (local.set $g (v128.load offset=96 (local.get $in)))
    (local.set $h (v128.load offset=112 (local.get $in)))
    (local.set $t (i32.shl (local.get $from) (i32.const 4)))
    (local.set $end (i32.shl (local.get $to) (i32.const 4)))
    ;; One round per iteration. Unrolling 8 rounds with renamed registers measured no faster
    ;; (the loop is bound by vector ALU throughput, not by register moves), and unrolling all
    ;; rounds with the schedule in locals measured 25% slower (more live v128s than registers).
    (loop $round
      (local.set $wt (i32.add (local.get $w) (local.get $t)))
      ;; t1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; Ch selects f where e has a 1, else g
      (local.set $t1
        (i32x4.add
          (i32x4.add
            (local.get $h)
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $e) (i32.const 6)) (i32x4.shl (local.get $e) (i32.const 26)))
                (v128.or (i32x4.shr_u (local.get $e) (i32.const 11)) (i32x4.shl (local.get $e) (i32.const 21))))
              (v128.or (i32x4.shr_u (local.get $e) (i32.const 25)) (i32x4.shl (local.get $e) (i32.const 7)))))
          (i32x4.add
            (v128.bitselect (local.get $f) (local.get $g) (local.get $e))
            (i32x4.add
              (v128.load (local.get $t))
              (v128.load (local.get $wt))))))
      ;; t2 = Σ0(a) + Maj(a, b, c); Maj is c where a and b differ, else a
      (local.set $t2
        (i32x4.add
          (v128.xor
            (v128.xor
              (v128.or (i32x4.shr_u (local.get $a) (i32.const 2)) (i32x4.shl (local.get $a) (i32.const 30)))
              (v128.or (i32x4.shr_u (local.get $a) (i32.const 13)) (i32x4.shl (local.get $a) (i32.const 19))))
            (v128.or (i32x4.shr_u (local.get $a) (i32.const 22)) (i32x4.shl (local.get $a) (i32.const 10))))
          (v128.bitselect (local.get $c) (local.get $a) (v128.xor (local.get $a) (local.get $b)))))
      (local.set $h (local.get $g))
      (local.set $g (local.get $f))
      (local.set $f (local.get $e))
      (local.set $e (i32x4.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (local.get $a))
      (local.set $a (i32x4.add (local.get $t1) (local.get $t2)))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br_if $round (i32.lt_u (local.get $t) (local.get $end))))
    (v128.store offset=0 (local.get $out) (local.get $a))
    (v128.store offset=16 (local.get $out) (local.get $b))
    (v128.store offset=32 (local.get $out) (local.get $c))
    (v128.store offset=48 (local.get $out) (local.get $d))
    (v128.store offset=64 (local.get $out) (local.get $e))
    (v128.store offset=80 (local.get $out) (local.get $f))
    (v128.store offset=96 (local.get $out) (local.get $g))
    (v128.store offset=112 (local.get $out) (local.get $h)))

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
