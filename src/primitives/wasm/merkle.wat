;; Merkle roots (Bitcoin Core's ComputeMerkleRoot), 4 pair hashes at a time in the lanes of an
;; i32x4 vector: each pair is SHA-256(SHA-256(left || right)) of two 32-byte hashes.
;;
;; Built into merkle-wasm.ts by tools/build-wasm.ts; the caller is merkle-kernel.ts, which fills
;; the constants below once per instance, writes the leaves at TREE and calls `merkle`.
;;
;; Memory layout (byte offsets; every constant slot is one v128, its value in all four lanes):
;;     0  K      64 round constants
;;  1024  W      the schedule of the block being hashed
;;  2048  PAD    schedule of a 64-byte message's padding block (0x80, zeros, length 512), expanded
;;  3072  IV     SHA-256 initial state
;;  3200  STATE  working state
;;  3328  H1     state after a pair's first block
;;  4096  TREE   the hashes of the level being hashed, 32 bytes each, in internal byte order;
;;               each level is written over the one before, so the root ends at TREE
(module
  (memory (export "memory") 1)

  ;; @include sha256x4-core.wat

  ;; SHA-256 reads big-endian words; WebAssembly loads little-endian ones.
  (func $bswap (param $v v128) (result v128)
    (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get $v) (local.get $v)))

  ;; out[i] = a[i] + b[i] for the 8 state words (the feed-forward of a compression).
  (func $add8 (param $a i32) (param $b i32) (param $out i32)
    (local $i i32)
    (loop $word
      (v128.store (i32.add (local.get $out) (local.get $i))
        (i32x4.add
          (v128.load (i32.add (local.get $a) (local.get $i)))
          (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $word (i32.lt_u (local.get $i) (i32.const 128)))))

  ;; Hashes the 4 pairs (64 bytes each) from byte $src; lane k's digest goes to $out + 32k.
  ;; Every input word is read before the first digest is stored, so $out may be at or below $src.
  (func $hash4 (param $src i32) (param $out i32)
    (local $j i32) (local $at i32) (local $v v128)
    ;; W[j/4], lane k: the message word at byte j of pair k
    (loop $word
      (local.set $at (i32.add (local.get $src) (local.get $j)))
      (v128.store offset=1024 (i32.shl (local.get $j) (i32.const 2))
        (call $bswap
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1
                (i32x4.splat (i32.load (local.get $at)))
                (i32.load offset=64 (local.get $at)))
              (i32.load offset=128 (local.get $at)))
            (i32.load offset=192 (local.get $at)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $word (i32.lt_u (local.get $j) (i32.const 64))))
    ;; first hash: the pair's block, then the padding block (its schedule is a constant)
    (call $expand (i32.const 1024) (i32.const 16) (i32.const 64))
    (call $rounds (i32.const 1024) (i32.const 3072) (i32.const 3200) (i32.const 0) (i32.const 64))
    (call $add8 (i32.const 3200) (i32.const 3072) (i32.const 3328))
    (call $rounds (i32.const 2048) (i32.const 3328) (i32.const 3200) (i32.const 0) (i32.const 64))
    ;; second hash: the 32-byte digest, 0x80, zeros, the bit length 256; one block
    (call $add8 (i32.const 3200) (i32.const 3328) (i32.const 1024))
    (v128.store offset=1152 (i32.const 0) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (local.set $j (i32.const 1168))
    (loop $zero
      (v128.store (local.get $j) (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $zero (i32.lt_u (local.get $j) (i32.const 1264))))
    (v128.store offset=1264 (i32.const 0) (v128.const i32x4 256 256 256 256))
    (call $expand (i32.const 1024) (i32.const 16) (i32.const 64))
    (call $rounds (i32.const 1024) (i32.const 3072) (i32.const 3200) (i32.const 0) (i32.const 64))
    (call $add8 (i32.const 3200) (i32.const 3072) (i32.const 3200))
    ;; lane k's 8 words to its own 32 bytes
    (local.set $j (i32.const 0))
    (loop $out
      (local.set $v (call $bswap (v128.load offset=3200 (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $at (i32.add (local.get $out) (local.get $j)))
      (i32.store offset=0 (local.get $at) (i32x4.extract_lane 0 (local.get $v)))
      (i32.store offset=32 (local.get $at) (i32x4.extract_lane 1 (local.get $v)))
      (i32.store offset=64 (local.get $at) (i32x4.extract_lane 2 (local.get $v)))
      (i32.store offset=96 (local.get $at) (i32x4.extract_lane 3 (local.get $v)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $out (i32.lt_u (local.get $j) (i32.const 32)))))

  ;; 1 when one of the first $pairs pairs at TREE holds two equal hashes (CVE-2012-2459), else 0.
  (func $equalPair (param $pairs i32) (result i32)
    (local $at i32) (local $end i32)
    (local.set $at (i32.const 4096))
    (local.set $end (i32.add (i32.const 4096) (i32.shl (local.get $pairs) (i32.const 6))))
    (block $none
      (loop $pair
        (br_if $none (i32.ge_u (local.get $at) (local.get $end)))
        (if (i32.and
              (i8x16.all_true (i8x16.eq (v128.load offset=0 (local.get $at)) (v128.load offset=32 (local.get $at))))
              (i8x16.all_true (i8x16.eq (v128.load offset=16 (local.get $at)) (v128.load offset=48 (local.get $at)))))
          (then (return (i32.const 1))))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (br $pair)))
    (i32.const 0))

  ;; Reduces the $count hashes at TREE to their root, at TREE. Returns 1 when some level paired
  ;; two equal hashes (checked before an odd level's last hash is paired with itself, as Core
  ;; does), else 0. The caller provides memory up to TREE + 32 * ($count + 8): the last group of
  ;; a level reads up to 3 pairs past its end and writes their digests past the level's end.
  (func (export "merkle") (param $count i32) (result i32)
    (local $mutated i32) (local $pairs i32) (local $src i32) (local $out i32) (local $end i32)
    (block $done
      (loop $level
        (br_if $done (i32.le_u (local.get $count) (i32.const 1)))
        (local.set $pairs (i32.shr_u (local.get $count) (i32.const 1)))
        (local.set $mutated (i32.or (local.get $mutated) (call $equalPair (local.get $pairs))))
        ;; an odd level pairs its last hash with itself
        (if (i32.and (local.get $count) (i32.const 1))
          (then
            (local.set $src (i32.add (i32.const 4064) (i32.shl (local.get $count) (i32.const 5))))
            (v128.store offset=32 (local.get $src) (v128.load offset=0 (local.get $src)))
            (v128.store offset=48 (local.get $src) (v128.load offset=16 (local.get $src)))
            (local.set $pairs (i32.add (local.get $pairs) (i32.const 1)))))
        (local.set $src (i32.const 4096))
        (local.set $out (i32.const 4096))
        (local.set $end (i32.add (i32.const 4096) (i32.shl (local.get $pairs) (i32.const 6))))
        (loop $group
          (call $hash4 (local.get $src) (local.get $out))
          (local.set $src (i32.add (local.get $src) (i32.const 256)))
          (local.set $out (i32.add (local.get $out) (i32.const 128)))
          (br_if $group (i32.lt_u (local.get $src) (local.get $end))))
        (local.set $count (local.get $pairs))
        (br $level)))
    (local.get $mutated)))
