// Checker settings (profile, per-rule switches, PSS version), kept in localStorage.
import { PROFILES, type CheckOptions, type Profile, type RuleMeta } from './engine-types';

export interface Settings {
  profile: Profile;
  pssVersion: string;
  /** Rule id -> explicitly on/off, overriding the profile's default for that rule. */
  overrides: Record<string, boolean>;
  /** A pasted `.kubeharden.yaml`, applied under the settings above ('' for none). */
  config: string;
}

export const DEFAULT_SETTINGS: Settings = {
  profile: 'hardened',
  pssVersion: 'latest',
  overrides: {},
  config: '',
};

const MAX_CONFIG = 100_000;

export const PSS_VERSIONS: readonly string[] = [
  'latest',
  ...Array.from({ length: 38 }, (_, i) => `v1.${37 - i}`),
];

const STORAGE_KEY = 'kubeharden.settings.v1';

/** Coerce anything (storage, a share link) into valid settings. */
export function sanitizeSettings(value: unknown): Settings {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Partial<Settings>;
  const profile = PROFILES.includes(raw.profile as Profile)
    ? (raw.profile as Profile)
    : DEFAULT_SETTINGS.profile;
  const pssVersion = PSS_VERSIONS.includes(raw.pssVersion as string)
    ? (raw.pssVersion as string)
    : DEFAULT_SETTINGS.pssVersion;
  const overrides: Record<string, boolean> = {};
  if (typeof raw.overrides === 'object' && raw.overrides !== null) {
    for (const [id, on] of Object.entries(raw.overrides)) {
      if (typeof on === 'boolean' && /^[a-z0-9][a-z0-9-]{0,80}$/.test(id)) overrides[id] = on;
    }
  }
  const config =
    typeof raw.config === 'string' && raw.config.length <= MAX_CONFIG ? raw.config : '';
  return { profile, pssVersion, overrides, config };
}

export function loadSettings(): Settings {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored ? sanitizeSettings(JSON.parse(stored)) : { ...DEFAULT_SETTINGS };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(settings: Settings): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Storage may be full or disabled (private mode); settings then last for the visit.
  }
}

export function ruleInProfile(rule: RuleMeta, profile: Profile): boolean {
  return rule.profiles.includes(profile);
}

export function isRuleEnabled(rule: RuleMeta, settings: Settings): boolean {
  return settings.overrides[rule.id] ?? ruleInProfile(rule, settings.profile);
}

/** Options for the engine; overrides of unknown rules or equal to the default are dropped. */
export function checkOptions(settings: Settings, rules: readonly RuleMeta[]): CheckOptions {
  const enable: string[] = [];
  const disable: string[] = [];
  for (const rule of rules) {
    const override = settings.overrides[rule.id];
    if (override === undefined) continue;
    const byProfile = ruleInProfile(rule, settings.profile);
    if (override && !byProfile) enable.push(rule.id);
    if (!override && byProfile) disable.push(rule.id);
  }
  if (!settings.config.trim()) {
    return { profile: settings.profile, pssVersion: settings.pssVersion, enable, disable };
  }
  // With a config file, a setting left at its default lets the file decide (as an absent
  // CLI flag does); a changed one overrides it.
  const options: CheckOptions = { enable, disable, config: settings.config };
  if (settings.profile !== DEFAULT_SETTINGS.profile) options.profile = settings.profile;
  if (settings.pssVersion !== DEFAULT_SETTINGS.pssVersion) options.pssVersion = settings.pssVersion;
  return options;
}

/** The settings as a `.kubeharden.yaml` (rule ids are plain YAML scalars). */
export function configYaml(settings: Settings, rules: readonly RuleMeta[]): string {
  const { enable, disable } = checkOptions({ ...settings, config: '' }, rules);
  const lines = [
    '# kubeharden settings, exported from the playground',
    `profile: ${settings.profile}`,
    `pssVersion: ${settings.pssVersion}`,
  ];
  if (enable.length) lines.push(`enable: [${enable.join(', ')}]`);
  if (disable.length) lines.push(`disable: [${disable.join(', ')}]`);
  return lines.join('\n') + '\n';
}

const DOC_KEY = 'kubeharden.document.v1';
const MAX_STORED_DOC = 1_000_000;

export function loadDocument(): string | null {
  try {
    return localStorage.getItem(DOC_KEY);
  } catch {
    return null;
  }
}

export function saveDocument(text: string): void {
  try {
    if (text.length <= MAX_STORED_DOC) localStorage.setItem(DOC_KEY, text);
    else localStorage.removeItem(DOC_KEY);
  } catch {
    // See saveSettings.
  }
}
