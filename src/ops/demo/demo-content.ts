// Owns the raw material of demo mail: a seeded PRNG, people, phrases per language, and small
// attachment files (PNG, PDF, CSV, TXT) made in code. Must not build MIME (mime-build does).
import { deflateSync } from 'node:zlib';
import type { Charset } from './mime-build.js';

/** mulberry32: tiny, fast, good enough for reproducible test data (not for secrets). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
  bytes(count: number): Buffer {
    const out = Buffer.alloc(count);
    let i = 0;
    for (; i + 4 <= count; i += 4) out.writeUInt32LE(Math.floor(this.next() * 4294967296), i);
    for (; i < count; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

export interface Person {
  name: string;
  address: string;
}

/** A language: which charsets hold it, and phrases to build subjects and bodies from. */
export interface Language {
  tag: string;
  charsets: readonly Charset[];
  subjects: readonly string[];
  sentences: readonly string[];
  greeting: string;
  closing: string;
}

export const languages: readonly Language[] = [
  {
    tag: 'en',
    charsets: ['us-ascii', 'utf-8'],
    subjects: [
      'Quarterly report draft',
      'Lunch on Friday?',
      'Server maintenance window',
      'Your invoice is ready',
      'Notes from the planning meeting',
      'Photos from the trip',
      'Can you review this?',
      'Budget for next year',
      'Welcome to the team',
      'Reminder: dentist appointment',
    ],
    sentences: [
      'I had a look at the numbers and they seem fine to me.',
      'Could you send me the latest version before the meeting?',
      'The details are on https://intranet.example.org/wiki/Planning for everyone.',
      'Let me know if Thursday works better for you.',
      'We moved the deadline to the end of the month.',
      'See https://www.example.com/docs?id=42&lang=en for the full description.',
      'Thanks again for your help with the migration last week.',
      'The backup finished without errors at 03:12.',
      'Please keep this between us until the announcement.',
      'I attached what I have so far; it is not finished yet.',
    ],
    greeting: 'Hi',
    closing: 'Best regards',
  },
  {
    tag: 'de',
    charsets: ['iso-8859-1', 'utf-8'],
    subjects: [
      'Größere Änderungen am Dienstplan',
      'Überweisung für März',
      'Einladung zur Weihnachtsfeier',
      'Rückfragen zum Angebot',
    ],
    sentences: [
      'Die Unterlagen für die Prüfung liegen im Büro bereit.',
      'Könnten Sie mir bitte bis Freitag eine kurze Rückmeldung geben?',
      'Wir treffen uns um 14 Uhr im großen Saal.',
      'Die Gebühr beträgt 45 Euro pro Person.',
      'Mehr dazu unter https://www.example.de/aktuelles/übersicht.',
    ],
    greeting: 'Hallo',
    closing: 'Viele Grüße',
  },
  {
    tag: 'ru',
    charsets: ['koi8-r', 'utf-8'],
    subjects: ['Отчёт за неделю', 'Встреча в понедельник', 'Новая версия документа'],
    sentences: [
      'Пожалуйста, посмотрите приложенный документ до завтра.',
      'Встреча переносится на следующую неделю.',
      'Спасибо за быстрый ответ!',
      'Все материалы есть на сайте https://example.ru/docs.',
    ],
    greeting: 'Здравствуйте',
    closing: 'С уважением',
  },
  {
    tag: 'ja',
    charsets: ['iso-2022-jp', 'utf-8'],
    subjects: ['会議の議事録', '来週の予定について', '資料送付のお知らせ'],
    sentences: [
      '本日の会議の議事録をお送りします。',
      '来週の打ち合わせは水曜日の午後に変更になりました。',
      'ご確認のほど、よろしくお願いいたします。',
      '詳細は https://example.jp/info をご覧ください。',
    ],
    greeting: 'お疲れ様です。',
    closing: '以上、よろしくお願いします。',
  },
  {
    tag: 'zh',
    charsets: ['gb2312', 'utf-8'],
    subjects: ['项目进度报告', '下周会议安排', '关于合同的问题'],
    sentences: [
      '请查看附件中的最新版本。',
      '会议改到下周三下午两点。',
      '谢谢你的帮助，我们已经完成了测试。',
      '详细信息请访问 https://example.cn/news 。',
    ],
    greeting: '你好，',
    closing: '祝好',
  },
];

export const people: readonly Person[] = [
  { name: 'Alice Johnson', address: 'alice@example.org' },
  { name: 'Bob Smith', address: 'bob.smith@example.com' },
  { name: 'Jürgen Müller', address: 'juergen.mueller@example.de' },
  { name: 'Åsa Lindqvist', address: 'asa@example.se' },
  { name: 'Иван Петров', address: 'ivan.petrov@example.ru' },
  { name: '山田 太郎', address: 'yamada@example.jp' },
  { name: '王伟', address: 'wang.wei@example.cn' },
  { name: 'José García', address: 'jose.garcia@example.es' },
  { name: "Zoë O'Brien", address: 'zoe@example.ie' },
  { name: 'Dr. Carol White, PhD', address: 'carol.white@example.edu' },
  { name: '', address: 'noreply@notifications.example.net' },
  { name: 'Example Shop', address: 'orders@shop.example.com' },
  { name: 'Françoise Dupont', address: 'f.dupont@example.fr' },
  { name: 'Ng Wei Ling', address: 'weiling@example.sg' },
];

let crcTable: Uint32Array | null = null;

function crc32(bytes: Buffer): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid RGB PNG of a colour gradient; size and colours come from the PRNG. */
export function makePng(random: Random, width = 32, height = 24): Buffer {
  const [r0, g0, b0] = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (r0 + x * 4) & 0xff;
      row[2 + x * 3] = (g0 + y * 6) & 0xff;
      row[3 + x * 3] = b0;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small, well-formed one-page PDF with one line of text (xref offsets computed). */
export function makePdf(title: string): Buffer {
  const text = title.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '\\$&');
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function makeCsv(random: Random): Buffer {
  const lines = ['date,item,amount'];
  for (let i = 0; i < random.int(3, 8); i++) {
    lines.push(
      `2025-0${random.int(1, 9)}-1${random.int(0, 9)},item ${i + 1},${random.int(5, 900)}.00`,
    );
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

export function makeTextFile(random: Random): Buffer {
  const language = languages[0] as Language;
  const lines = [random.pick(language.sentences), random.pick(language.sentences), ''];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
