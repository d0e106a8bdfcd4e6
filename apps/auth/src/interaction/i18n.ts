export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ru';

/**
 * The page language: the first supported tag of `ui_locales` (OpenID Connect Core 3.1.2.1), then
 * of Accept-Language by its q-values, then Russian.
 */
export function pickLocale(uiLocales: string | undefined, acceptLanguage: string | string[] | undefined): Locale {
  const fromUi = (uiLocales ?? '').split(/\s+/).filter(Boolean);
  const fromHeader = String(acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q) : 1, i };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((t) => t.tag);
  for (const tag of [...fromUi, ...fromHeader]) {
    const base = tag.toLowerCase().split('-')[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return DEFAULT_LOCALE;
}

const en = {
  'login.title': 'Sign in',
  'login.subtitle': 'to continue to {client}',
  'login.username': 'Login',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'The login or password is wrong.',
  'login.noAccount': 'No account yet?',
  'login.register': 'Create one',
  'register.title': 'Create an account',
  'register.login': 'Login',
  'register.password': 'Password (at least 8 characters)',
  'register.givenName': 'First name',
  'register.familyName': 'Last name',
  'register.email': 'E-mail (optional)',
  'register.submit': 'Create account',
  'register.haveAccount': 'Already have an account?',
  'register.signIn': 'Sign in',
  'consent.title': '{client} asks for access',
  'consent.lead': 'The application will get:',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'consent.signedInAs': 'Signed in as {user}',
  'scope.openid': 'Your account identifier',
  'scope.profile': 'Your name and profile (login, picture, birth date)',
  'scope.email': 'Your e-mail address',
  'scope.phone': 'Your phone number',
  'scope.offline_access': 'Access while you are away (stays signed in)',
  'scope.api': 'Access to {name} on your behalf',
  'error.title': 'Something went wrong',
  'error.back': 'Go back to the application and try again.',
  'error.expired': 'This sign-in page has expired or was already used. Start again from the application.',
  'error.csrf': 'The form could not be verified. Reload the page and try again.',
  'error.unavailable': 'The service is temporarily unavailable. Try again in a moment.',
  'device.title': 'Connect a device',
  'device.lead': 'Enter the code your device or application shows.',
  'device.code': 'Code',
  'device.submit': 'Continue',
  'device.unknown': 'This code is not valid. Check it and try again.',
  'device.used': 'This code was already used.',
  'device.tooMany': 'Too many wrong codes. Wait {seconds} seconds and try again.',
  'device.expiredTitle': 'The code has expired',
  'device.expired': 'Start again on your device to get a new code.',
  'device.doneTitle': 'Done',
  'device.done': 'You have allowed {client}. Go back to your device: it will continue by itself.',
  'device.deniedTitle': 'Access denied',
  'device.denied': 'You have denied access to {client}. You can close this page.',
  'device.check': 'Make sure your device shows the code {code}.',
  'logout.title': 'Sign out?',
  'logout.lead': 'You will be signed out of {client} and of this sign-in service.',
  'logout.confirm': 'Sign out',
  'logout.cancel': 'Stay signed in',
  'logout.doneTitle': 'You are signed out',
  'logout.done': 'You can close this page.',
  'demo.title': 'Demo application',
  'demo.lead': 'This page is a relying party of the identity provider. It logs you in with the authorization code flow and PKCE, then shows what it received.',
  'demo.login': 'Sign in with the identity provider',
  'demo.hint': 'A demo account exists: login {login}, password {password}. Or create your own from the sign-in page.',
  'demo.idToken': 'ID token (decoded)',
  'demo.userinfo': 'UserInfo response',
  'demo.tokens': 'Token response',
  'demo.again': 'Sign in again',
} as const;

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'login.title': 'Вход',
  'login.subtitle': 'для продолжения в {client}',
  'login.username': 'Логин',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.failed': 'Неверный логин или пароль.',
  'login.noAccount': 'Ещё нет учётной записи?',
  'login.register': 'Зарегистрироваться',
  'register.title': 'Регистрация',
  'register.login': 'Логин',
  'register.password': 'Пароль (не короче 8 символов)',
  'register.givenName': 'Имя',
  'register.familyName': 'Фамилия',
  'register.email': 'Эл. почта (необязательно)',
  'register.submit': 'Создать учётную запись',
  'register.haveAccount': 'Уже есть учётная запись?',
  'register.signIn': 'Войти',
  'consent.title': '{client} запрашивает доступ',
  'consent.lead': 'Приложение получит:',
  'consent.allow': 'Разрешить',
  'consent.deny': 'Отклонить',
  'consent.signedInAs': 'Вы вошли как {user}',
  'scope.openid': 'Идентификатор вашей учётной записи',
  'scope.profile': 'Ваше имя и профиль (логин, фото, дата рождения)',
  'scope.email': 'Ваш адрес эл. почты',
  'scope.phone': 'Ваш номер телефона',
  'scope.offline_access': 'Доступ, пока вас нет (оставаться в системе)',
  'scope.api': 'Доступ к {name} от вашего имени',
  'error.title': 'Что-то пошло не так',
  'error.back': 'Вернитесь в приложение и попробуйте снова.',
  'error.expired': 'Страница входа устарела или уже использована. Начните заново из приложения.',
  'error.csrf': 'Не удалось проверить форму. Обновите страницу и попробуйте снова.',
  'error.unavailable': 'Сервис временно недоступен. Попробуйте через минуту.',
  'device.title': 'Подключение устройства',
  'device.lead': 'Введите код, который показывает ваше устройство или приложение.',
  'device.code': 'Код',
  'device.submit': 'Продолжить',
  'device.unknown': 'Код неверный. Проверьте его и попробуйте снова.',
  'device.used': 'Этот код уже использован.',
  'device.tooMany': 'Слишком много неверных кодов. Подождите {seconds} с и попробуйте снова.',
  'device.expiredTitle': 'Срок действия кода истёк',
  'device.expired': 'Начните заново на устройстве, чтобы получить новый код.',
  'device.doneTitle': 'Готово',
  'device.done': 'Вы разрешили доступ приложению {client}. Вернитесь к устройству: оно продолжит само.',
  'device.deniedTitle': 'Доступ запрещён',
  'device.denied': 'Вы отказали в доступе приложению {client}. Эту страницу можно закрыть.',
  'device.check': 'Убедитесь, что устройство показывает код {code}.',
  'logout.title': 'Выйти?',
  'logout.lead': 'Вы выйдете из {client} и из сервиса входа.',
  'logout.confirm': 'Выйти',
  'logout.cancel': 'Остаться',
  'logout.doneTitle': 'Вы вышли',
  'logout.done': 'Эту страницу можно закрыть.',
  'demo.title': 'Демо-приложение',
  'demo.lead': 'Эта страница — клиент провайдера удостоверений. Она выполняет вход по коду авторизации с PKCE и показывает, что получила.',
  'demo.login': 'Войти через провайдер удостоверений',
  'demo.hint': 'Есть демо-учётная запись: логин {login}, пароль {password}. Или зарегистрируйтесь на странице входа.',
  'demo.idToken': 'ID-токен (раскодированный)',
  'demo.userinfo': 'Ответ UserInfo',
  'demo.tokens': 'Ответ токен-эндпоинта',
  'demo.again': 'Войти снова',
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, ru };

export function t(locale: Locale, key: MessageKey, vars: Record<string, string> = {}): string {
  return dictionaries[locale][key].replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? '');
}
