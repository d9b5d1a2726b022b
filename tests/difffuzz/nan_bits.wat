;; tools/difffuzz's own check, run by `tools/difffuzz --ci`: results whose NaN bits the spec leaves to
;; the engine. kiln and V8 on x86 pick different ones (positive and negative default NaN), so the first
;; comparison differs and only the NaN-zeroing retry (binaryen's --denan for the scalar, the v128 rewrite
;; of tools/difffuzz-simd-denan.mjs for the lanes) lets the module pass. A failure here is a tooling bug.
(module
  (memory (export "memory") 1)
  (func (export "scalar_bits") (result i32)
    (i32.reinterpret_f32 (f32.div (f32.const 0) (f32.const 0))))
  (func (export "simd_bits") (result i32)
    (i32x4.extract_lane 0 (f32x4.div (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0))))
  ;; The v128 NaN also reaches memory through an integer view, which the
  ;; memory comparison's float-NaN tolerance cannot see.
  (func (export "wizer-initialize")
    (i64.store (i32.const 16)
      (i64x2.extract_lane 1 (f64x2.sqrt (v128.const f64x2 -1 -1))))))
