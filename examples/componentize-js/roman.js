// The component's source. The top level runs once, at build time, inside the pre-initializer: the
// component starts with every Roman numeral from 1 to 3999 already written out.
const kDigits = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];
const numerals = [''];
for (let n = 1; n < 4000; n++) {
  let rest = n;
  let text = '';
  for (const [value, digits] of kDigits) {
    for (; rest >= value; rest -= value) text += digits;
  }
  numerals.push(text);
}
const values = new Map(numerals.map((text, n) => [text, n]));

// n in Roman numerals ('' when out of range).
export function toRoman(n) {
  return numerals[n] ?? '';
}

// The value of a Roman numeral written the canonical way (0 when it is not one).
export function fromRoman(text) {
  return values.get(text) ?? 0;
}
