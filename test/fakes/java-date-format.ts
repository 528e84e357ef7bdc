import { formatOffset, toWallTime, zoneName, zoneOffsetMs } from './time-zone';

/**
 * `java.text.SimpleDateFormat` patterns, as `Utilities.formatDate` applies them, in English:
 * G y Y M L w D d F E u a H k K h m s S z Z X and quoted literal text (`'at'`, `''` for a quote).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERN_LETTERS = new Set('GyYMLwWDdFEuaHkKhmsSzZX');

type PatternToken = { literal: string } | { letter: string; count: number };

/** Splits a pattern into letter runs and literal text; throws like Java for unknown letters. */
export function tokenizeJavaPattern(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern.charAt(i);
    if (char === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        tokens.push({ literal: "'" });
        i += 2;
        continue;
      }
      if (end === -1) throw new Error('Unterminated quote');
      // Inside quotes, '' stands for one quote.
      let text = pattern.slice(i + 1, end);
      let close = end;
      while (pattern.charAt(close + 1) === "'") {
        const next = pattern.indexOf("'", close + 2);
        if (next === -1) throw new Error('Unterminated quote');
        text += `'${pattern.slice(close + 2, next)}`;
        close = next;
      }
      tokens.push({ literal: text });
      i = close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(char)) {
      if (!PATTERN_LETTERS.has(char)) throw new Error(`Illegal pattern character '${char}'`);
      let count = 1;
      while (pattern.charAt(i + count) === char) count++;
      tokens.push({ letter: char, count });
      i += count;
      continue;
    }
    tokens.push({ literal: char });
    i++;
  }
  return tokens;
}

/** Formats the instant `ms` in `timeZone` with a SimpleDateFormat pattern. */
export function formatJavaDate(ms: number, timeZone: string, pattern: string): string {
  const wall = toWallTime(ms, timeZone);
  const offset = zoneOffsetMs(ms, timeZone);
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  const dayOfYear = (Date.UTC(wall.year, wall.month - 1, wall.day) - Date.UTC(wall.year, 0, 1)) / 86_400_000 + 1;

  let output = '';
  for (const token of tokenizeJavaPattern(pattern)) {
    if ('literal' in token) {
      output += token.literal;
      continue;
    }
    const { letter, count } = token;
    switch (letter) {
      case 'G':
        output += wall.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
        output += count === 2 ? pad(wall.year % 100, 2) : pad(wall.year, count);
        break;
      case 'Y': {
        const weekYear = usWeekYear(wall.year, wall.month, wall.day, wall.weekday);
        output += count === 2 ? pad(weekYear % 100, 2) : pad(weekYear, count);
        break;
      }
      case 'M':
      case 'L':
        if (count >= 4) output += MONTHS[wall.month - 1];
        else if (count === 3) output += (MONTHS[wall.month - 1] ?? '').slice(0, 3);
        else output += pad(wall.month, count);
        break;
      case 'w':
        output += pad(usWeekOfYear(wall.year, wall.month, wall.day, wall.weekday), count);
        break;
      case 'W':
        output += pad(Math.floor((wall.day - 1 + dayOfWeekOfFirst(wall.year, wall.month)) / 7) + 1, count);
        break;
      case 'D':
        output += pad(dayOfYear, count);
        break;
      case 'd':
        output += pad(wall.day, count);
        break;
      case 'F':
        output += pad(Math.floor((wall.day - 1) / 7) + 1, count);
        break;
      case 'E':
        output += count >= 4 ? WEEKDAYS[wall.weekday] : (WEEKDAYS[wall.weekday] ?? '').slice(0, 3);
        break;
      case 'u':
        output += pad(wall.weekday === 0 ? 7 : wall.weekday, count);
        break;
      case 'a':
        output += wall.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        output += pad(wall.hour, count);
        break;
      case 'k':
        output += pad(wall.hour === 0 ? 24 : wall.hour, count);
        break;
      case 'K':
        output += pad(wall.hour % 12, count);
        break;
      case 'h':
        output += pad(wall.hour % 12 === 0 ? 12 : wall.hour % 12, count);
        break;
      case 'm':
        output += pad(wall.minute, count);
        break;
      case 's':
        output += pad(wall.second, count);
        break;
      case 'S':
        output += pad(wall.millisecond, count);
        break;
      case 'z':
        output += zoneName(ms, timeZone, count >= 4 ? 'long' : 'short');
        break;
      case 'Z':
        if (count === 4) output += `GMT${formatOffset(offset, true)}`;
        else if (count >= 5) output += offset === 0 ? 'Z' : formatOffset(offset, true);
        else output += formatOffset(offset, false);
        break;
      case 'X':
        if (offset === 0) output += 'Z';
        else if (count === 1) output += formatOffset(offset, false).slice(0, 3);
        else output += formatOffset(offset, count >= 3);
        break;
      default:
        throw new Error(`Illegal pattern character '${letter}'`);
    }
  }
  return output;
}

/** Returns the weekday (0 for Sunday) of the first day of a month. */
function dayOfWeekOfFirst(year: number, month: number): number {
  return new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
}

/**
 * Returns the week of year in the en-US calendar Java uses: weeks start on Sunday and week 1 is
 * the week that contains January 1, so the last days of December can be in week 1.
 */
function usWeekOfYear(year: number, month: number, day: number, weekday: number): number {
  if (usWeekYear(year, month, day, weekday) > year) return 1;
  const dayOfYear = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000;
  return Math.floor((dayOfYear + dayOfWeekOfFirst(year, 1)) / 7) + 1;
}

/** Returns the week-based year (`Y`) of the en-US calendar. */
function usWeekYear(year: number, month: number, day: number, weekday: number): number {
  if (month !== 12) return year;
  const saturday = day + (6 - weekday);
  return saturday > 31 ? year + 1 : year;
}
