/**
 * The live pods sidebar's two settings, stored as document properties because they describe the
 * team's sheet, not one person: whether the sidebar offers "Stop pod", and after how many hours
 * of 0% GPU it flags a running pod as idle.
 */

const ALLOW_STOP_PODS_PROPERTY = 'sidebar.allowStopPods';
const IDLE_AFTER_HOURS_PROPERTY = 'sidebar.idleAfterHours';

export const DEFAULT_IDLE_AFTER_HOURS = 2;
/** One week: an idle flag later than that would never be seen. */
export const MAX_IDLE_AFTER_HOURS = 168;

export interface SidebarSettings {
  allowStopPods: boolean;
  idleAfterHours: number;
}

/** The sidebar fields of the Settings form; an absent field keeps the stored value. */
export interface SidebarSettingsForm {
  allowStopPods?: boolean;
  idleAfterHours?: string;
}

export type SidebarSettingsCheck = { ok: true; settings: SidebarSettings } | { ok: false; errors: string[] };

export function loadSidebarSettings(): SidebarSettings {
  const stored = PropertiesService.getDocumentProperties().getProperties();
  const hours = Number(stored[IDLE_AFTER_HOURS_PROPERTY]);
  return {
    allowStopPods: stored[ALLOW_STOP_PODS_PROPERTY] === 'true',
    idleAfterHours: isValidIdleHours(hours) ? hours : DEFAULT_IDLE_AFTER_HOURS,
  };
}

/** Checks the form's sidebar fields, keeping stored values for absent ones, and returns what to type instead of an invalid value. */
export function checkSidebarSettings(form: SidebarSettingsForm, current: SidebarSettings): SidebarSettingsCheck {
  const allowStopPods = typeof form.allowStopPods === 'boolean' ? form.allowStopPods : current.allowStopPods;
  if (form.idleAfterHours === undefined) {
    return { ok: true, settings: { allowStopPods, idleAfterHours: current.idleAfterHours } };
  }

  const text = String(form.idleAfterHours).trim();
  const hours = Number(text);
  if (text === '' || !isValidIdleHours(hours)) {
    return {
      ok: false,
      errors: [`The idle time "${text}" is not a number of hours. Enter a number above 0 and at most ${MAX_IDLE_AFTER_HOURS}, such as ${DEFAULT_IDLE_AFTER_HOURS} or 1.5.`],
    };
  }
  return { ok: true, settings: { allowStopPods, idleAfterHours: hours } };
}

export function saveSidebarSettings(settings: SidebarSettings): void {
  PropertiesService.getDocumentProperties().setProperties({
    [ALLOW_STOP_PODS_PROPERTY]: String(settings.allowStopPods),
    [IDLE_AFTER_HOURS_PROPERTY]: String(settings.idleAfterHours),
  });
}

function isValidIdleHours(hours: number): boolean {
  return Number.isFinite(hours) && hours > 0 && hours <= MAX_IDLE_AFTER_HOURS;
}
