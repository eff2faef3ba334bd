import { tokens } from '@fluentui/react-components';

/** The product mark: a patch panel — two rows of jacks, one cable patched across. */
export function PatchbayMark({ size = 26 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="30" height="30" rx="7" fill={tokens.colorBrandBackground} />
      {[8, 16, 24].map((x) => (
        <g key={x}>
          <circle cx={x} cy="10" r="2.6" fill={tokens.colorNeutralForegroundOnBrand} opacity="0.95" />
          <circle cx={x} cy="22" r="2.6" fill={tokens.colorNeutralForegroundOnBrand} opacity="0.95" />
        </g>
      ))}
      <path d="M8 10 C 8 18, 24 14, 24 22" stroke={tokens.colorPaletteYellowBorderActive} strokeWidth="2.4" fill="none" strokeLinecap="round" />
    </svg>
  );
}
