;; wabt-flags: --enable-relaxed-simd
;; Relaxed SIMD during init: the snapshot holds what Wizer's engine computes under its default
;; --relaxed-simd-deterministic (fused multiply-add; dot products that wrap at 16 bits), and
;; the output keeps the code, so the same ops still run after pre-initialization.
(module
  (memory (export "memory") 1)
  (func $madd (export "madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wizer-initialize")
    ;; 0: (1 + 2^-23)^2 - (1 + 2^-22) is 2^-46 fused, 0 when the product is rounded first.
    (v128.store (i32.const 0)
      (call $madd (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 0x1.000002p+0 0x1.000002p+0)
                  (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 0x1.000002p+0 0x1.000002p+0)
                  (v128.const f32x4 -0x1.000004p+0 -0x1.000004p+0 -0x1.000004p+0 -0x1.000004p+0)))
    ;; 16: the f64x2 form, fused: 2^-53 in both lanes.
    (v128.store (i32.const 16)
      (f64x2.relaxed_madd (v128.const i32x4 0x40_0000 0x3ff0_0000 0x40_0000 0x3ff0_0000)
                          (v128.const i32x4 0x2000_0000 0x3ff0_0000 0x2000_0000 0x3ff0_0000)
                          (v128.const i32x4 0x2040_0000 0xbff0_0000 0x2040_0000 0xbff0_0000)))
    ;; 32: nmadd, fused: -2^-46.
    (v128.store (i32.const 32)
      (f32x4.relaxed_nmadd (v128.const f32x4 0x1.000002p+0 0 0 0)
                           (v128.const f32x4 0x1.000002p+0 0 0 0)
                           (v128.const f32x4 0x1.000004p+0 0 0 0)))
    ;; 48: (-128 * -128) * 2 wraps to -32768 in the i16 lane.
    (v128.store (i32.const 48)
      (i16x8.dot_i8x16_i7x16_s (v128.const i8x16 -128 -128 -128 -128 127 127 0 0 0 0 0 0 0 0 0 0)
                               (v128.const i8x16 -128 -128 -128 127 -128 -128 0 0 0 0 0 0 0 0 0 0)))
    ;; 64: the same 16-bit wrap before the pairwise add into 32 bits.
    (v128.store (i32.const 64)
      (i32x4.dot_i8x16_i7x16_add_s (v128.const i8x16 -128 -128 -128 -128 127 127 127 127 0 0 0 0 0 0 0 0)
                                   (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 0 0 0 0 0 0 0 0)
                                   (v128.const i32x4 1 2 3 4)))))
