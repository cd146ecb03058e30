;; SHA-256 four lanes at a time, one message per i32x4 lane: the schedule expansion and the
;; rounds every WebAssembly hash kernel here is made of. Not a module: tools/build-wasm.ts puts
;; these functions where a module's source says `;; @include sha256x4-core.wat`, so the miner's
;; nonce scan (src/miner/wasm/sha256d.wat) and the merkle trees (merkle.wat) share them.
;; Both expect the 64 round constants, each splatted to four lanes, at byte 0.

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
