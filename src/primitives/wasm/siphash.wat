;; SipHash-2-4 (Aumasson & Bernstein) of many 32-byte messages under one key: BIP152's short
;; ids, which a compact block's receiver computes for every tx of its mempool. WebAssembly has
;; the 64-bit adds and rotations SipHash is made of; JS emulates them on pairs of 32-bit halves.
;;
;; Built into siphash-wasm.ts by tools/build-wasm.ts; the caller is siphash-kernel.ts, which
;; writes the messages from byte 0, 32 bytes each, and reads the 64-bit results (little-endian)
;; from `out`, 8 bytes each.
(module
  (memory (export "memory") 1)

  (func (export "sip32") (param $k0 i64) (param $k1 i64) (param $count i32) (param $out i32)
    (local $i i32) (local $word i32) (local $rounds i32) (local $m i64)
    (local $v0 i64) (local $v1 i64) (local $v2 i64) (local $v3 i64)
    (block $done
      (loop $message
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $v0 (i64.xor (local.get $k0) (i64.const 0x736f6d6570736575)))
        (local.set $v1 (i64.xor (local.get $k1) (i64.const 0x646f72616e646f6d)))
        (local.set $v2 (i64.xor (local.get $k0) (i64.const 0x6c7967656e657261)))
        (local.set $v3 (i64.xor (local.get $k1) (i64.const 0x7465646279746573)))
        ;; Words 0-3: the message; word 4: the length (32) in the top byte; word 5: finalisation.
        (local.set $word (i32.const 0))
        (loop $next
          (if (i32.lt_u (local.get $word) (i32.const 5))
            (then
              (local.set $m
                (if (result i64) (i32.lt_u (local.get $word) (i32.const 4))
                  (then (i64.load (i32.add (i32.shl (local.get $i) (i32.const 5)) (i32.shl (local.get $word) (i32.const 3)))))
                  (else (i64.const 0x2000000000000000))))
              (local.set $v3 (i64.xor (local.get $v3) (local.get $m)))
              (local.set $rounds (i32.const 2)))
            (else
              (local.set $v2 (i64.xor (local.get $v2) (i64.const 0xff)))
              (local.set $rounds (i32.const 4))))
          ;; SipRound, $rounds times.
          (loop $round
            (local.set $v0 (i64.add (local.get $v0) (local.get $v1)))
            (local.set $v1 (i64.xor (i64.rotl (local.get $v1) (i64.const 13)) (local.get $v0)))
            (local.set $v0 (i64.rotl (local.get $v0) (i64.const 32)))
            (local.set $v2 (i64.add (local.get $v2) (local.get $v3)))
            (local.set $v3 (i64.xor (i64.rotl (local.get $v3) (i64.const 16)) (local.get $v2)))
            (local.set $v0 (i64.add (local.get $v0) (local.get $v3)))
            (local.set $v3 (i64.xor (i64.rotl (local.get $v3) (i64.const 21)) (local.get $v0)))
            (local.set $v2 (i64.add (local.get $v2) (local.get $v1)))
            (local.set $v1 (i64.xor (i64.rotl (local.get $v1) (i64.const 17)) (local.get $v2)))
            (local.set $v2 (i64.rotl (local.get $v2) (i64.const 32)))
            (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
            (br_if $round (local.get $rounds)))
          (if (i32.lt_u (local.get $word) (i32.const 5))
            (then (local.set $v0 (i64.xor (local.get $v0) (local.get $m)))))
          (local.set $word (i32.add (local.get $word) (i32.const 1)))
          (br_if $next (i32.le_u (local.get $word) (i32.const 5))))
        (i64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (i64.xor (i64.xor (local.get $v0) (local.get $v1)) (i64.xor (local.get $v2) (local.get $v3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $message))))
)
