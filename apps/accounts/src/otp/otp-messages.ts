import { MessageLocale, OtpPurpose } from '@idp/contracts';

const TEXTS: Record<MessageLocale, Record<OtpPurpose, (code: string, minutes: number) => string>> = {
  ru: {
    login: (c, m) => `Код для входа: ${c}. Действует ${m} мин. Никому его не сообщайте.`,
    registration: (c, m) => `Код для регистрации: ${c}. Действует ${m} мин. Никому его не сообщайте.`,
    recovery: (c, m) => `Код для восстановления доступа: ${c}. Действует ${m} мин. Никому его не сообщайте.`,
    '2fa': (c, m) => `Код подтверждения входа: ${c}. Действует ${m} мин. Никому его не сообщайте.`,
    verification: (c, m) => `Код для подтверждения контакта: ${c}. Действует ${m} мин. Никому его не сообщайте.`,
  },
  kk: {
    login: (c, m) => `Кіру коды: ${c}. ${m} минут жарамды. Оны ешкімге айтпаңыз.`,
    registration: (c, m) => `Тіркелу коды: ${c}. ${m} минут жарамды. Оны ешкімге айтпаңыз.`,
    recovery: (c, m) => `Қолжетімділікті қалпына келтіру коды: ${c}. ${m} минут жарамды. Оны ешкімге айтпаңыз.`,
    '2fa': (c, m) => `Кіруді растау коды: ${c}. ${m} минут жарамды. Оны ешкімге айтпаңыз.`,
    verification: (c, m) => `Байланысты растау коды: ${c}. ${m} минут жарамды. Оны ешкімге айтпаңыз.`,
  },
  en: {
    login: (c, m) => `Your sign-in code: ${c}. It is valid for ${m} min. Do not share it with anyone.`,
    registration: (c, m) => `Your registration code: ${c}. It is valid for ${m} min. Do not share it with anyone.`,
    recovery: (c, m) => `Your account recovery code: ${c}. It is valid for ${m} min. Do not share it with anyone.`,
    '2fa': (c, m) => `Your sign-in confirmation code: ${c}. It is valid for ${m} min. Do not share it with anyone.`,
    verification: (c, m) => `Your code to confirm this contact: ${c}. It is valid for ${m} min. Do not share it with anyone.`,
  },
};

const SUBJECTS: Record<MessageLocale, string> = { ru: 'Код подтверждения', en: 'Your verification code', kk: 'Растау коды' };

export function codeText(locale: MessageLocale, purpose: OtpPurpose, code: string, ttlSeconds: number): string {
  const lang = locale in TEXTS ? locale : 'ru';
  return TEXTS[lang][purpose](code, Math.ceil(ttlSeconds / 60));
}

export function codeSubject(locale: MessageLocale): string {
  return SUBJECTS[locale] ?? SUBJECTS.ru;
}

/** Every one-time-code text and subject of every locale, for the completeness test. */
export const CODE_MESSAGES = { texts: TEXTS, subjects: SUBJECTS } as const;
