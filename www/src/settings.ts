// Checker settings (profile, per-rule switches and parameters, PSS version), kept in
// localStorage. Which rules a profile switches on comes from the engine (`ruleSelection`).
import type { CheckOptions, Profile, RuleMeta } from '@kubeharden/engine/kubeharden.js';
import { PROFILES } from './levels';

export interface Settings {
  profile: Profile;
  pssVersion: string;
  /** Rule id -> explicitly on/off, overriding the profile's default for that rule. */
  overrides: Record<string, boolean>;
  /** Rule parameters by option key (`imageRegistries`), sent while their rule is on. */
  params: Record<string, string[]>;
  /** A pasted `.kubeharden.yaml`, applied under the settings above ('' for none). */
  config: string;
}

export const DEFAULT_SETTINGS: Settings = {
  profile: 'hardened',
  pssVersion: 'latest',
  overrides: {},
  params: {},
  config: '',
};

/** The rule ids each profile switches on by itself, from the engine. */
export type Selections = Record<Profile, readonly string[]>;

const MAX_CONFIG = 100_000;
const MAX_PARAM_VALUES = 200;
/** A version as the engine spells one; the menu offers the engine's `pssVersions()`. */
const PSS_VERSION = /^(latest|v1\.\d{1,3})$/;

const STORAGE_KEY = 'kubeharden.settings.v1';

/** Coerce anything (storage, a share link) into valid settings. */
export function sanitizeSettings(value: unknown): Settings {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Partial<Settings>;
  const profile = PROFILES.includes(raw.profile as Profile)
    ? (raw.profile as Profile)
    : DEFAULT_SETTINGS.profile;
  const pssVersion =
    typeof raw.pssVersion === 'string' && PSS_VERSION.test(raw.pssVersion)
      ? raw.pssVersion
      : DEFAULT_SETTINGS.pssVersion;
  const overrides: Record<string, boolean> = {};
  if (typeof raw.overrides === 'object' && raw.overrides !== null) {
    for (const [id, on] of Object.entries(raw.overrides)) {
      if (typeof on === 'boolean' && /^[a-z0-9][a-z0-9-]{0,80}$/.test(id)) overrides[id] = on;
    }
  }
  const params: Record<string, string[]> = {};
  if (typeof raw.params === 'object' && raw.params !== null) {
    for (const [key, values] of Object.entries(raw.params)) {
      if (!/^[a-zA-Z]{1,40}$/.test(key) || !Array.isArray(values)) continue;
      const strings = values
        .filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 300)
        .slice(0, MAX_PARAM_VALUES);
      if (strings.length) params[key] = strings;
    }
  }
  const config =
    typeof raw.config === 'string' && raw.config.length <= MAX_CONFIG ? raw.config : '';
  return { profile, pssVersion, overrides, params, config };
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

export function ruleInProfile(rule: RuleMeta, profile: Profile, selections: Selections): boolean {
  return selections[profile].includes(rule.id);
}

export function isRuleEnabled(rule: RuleMeta, settings: Settings, selections: Selections): boolean {
  return settings.overrides[rule.id] ?? ruleInProfile(rule, settings.profile, selections);
}

/** The parameters of the rules switched on that have values, by option key. */
function givenParams(
  settings: Settings,
  rules: readonly RuleMeta[],
  selections: Selections,
): Record<string, string[]> {
  const given: Record<string, string[]> = {};
  for (const rule of rules) {
    if (!rule.params?.length || !isRuleEnabled(rule, settings, selections)) continue;
    for (const param of rule.params) {
      const values = settings.params[param.option];
      if (values?.length) given[param.option] = values;
    }
  }
  return given;
}

/** Options for the engine; overrides of unknown rules or equal to the default are dropped. */
export function checkOptions(
  settings: Settings,
  rules: readonly RuleMeta[],
  selections: Selections,
): CheckOptions {
  const enable: string[] = [];
  const disable: string[] = [];
  for (const rule of rules) {
    const override = settings.overrides[rule.id];
    if (override === undefined) continue;
    const byProfile = ruleInProfile(rule, settings.profile, selections);
    if (override && !byProfile) enable.push(rule.id);
    if (!override && byProfile) disable.push(rule.id);
  }
  const params = givenParams(settings, rules, selections);
  if (!settings.config.trim()) {
    return {
      profile: settings.profile,
      pssVersion: settings.pssVersion,
      enable,
      disable,
      ...params,
    };
  }
  // With a config file, a setting left at its default lets the file decide (as an absent
  // CLI flag does); a changed one overrides it.
  const options: CheckOptions = { enable, disable, ...params, config: settings.config };
  if (settings.profile !== DEFAULT_SETTINGS.profile) options.profile = settings.profile;
  if (settings.pssVersion !== DEFAULT_SETTINGS.pssVersion) options.pssVersion = settings.pssVersion;
  return options;
}

/**
 * The settings as a `.kubeharden.yaml`: rule ids are plain YAML scalars, parameter values
 * are written as JSON strings (valid YAML whatever they hold).
 */
export function configYaml(
  settings: Settings,
  rules: readonly RuleMeta[],
  selections: Selections,
): string {
  const { enable = [], disable = [] } = checkOptions(
    { ...settings, config: '' },
    rules,
    selections,
  );
  const lines = [
    '# kubeharden settings, exported from the playground',
    `profile: ${settings.profile}`,
    `pssVersion: ${settings.pssVersion}`,
  ];
  if (enable.length) lines.push(`enable: [${enable.join(', ')}]`);
  if (disable.length) lines.push(`disable: [${disable.join(', ')}]`);
  for (const [option, values] of Object.entries(givenParams(settings, rules, selections))) {
    lines.push(`${option}: [${values.map((v) => JSON.stringify(v)).join(', ')}]`);
  }
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
