#!/usr/bin/env node
// Writes apps/accounts/src/passwords/common-passwords.txt: about 10,000 passwords people choose
// most often, built from what is publicly known about them (the classics of every leaked list,
// number sequences, keyboard walks, common words and names with years and digits, Russian words
// typed in the Latin layout). Deterministic: the same list on every run.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const classics = `password 12345678 123456789 1234567890 qwerty123 qwertyuiop password1 password123 iloveyou
11111111 00000000 abc12345 abcd1234 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsxedc qwertyui asdfghjk
asdfghjkl zxcvbnm zxcvbnm123 letmein letmein123 welcome welcome1 welcome123 admin admin123 administrator
monkey dragon football baseball sunshine princess master master123 shadow superman batman trustno1
passw0rd p@ssword p@ssw0rd pa$$word qwerty qwerty1 qwerty12 qwerty1234 123qwe 123qweasd 1234qwer
qwer1234 q1w2e3r4 q1w2e3r4t5 1a2b3c4d a1b2c3d4 aa123456 abc123 abcdef abcdefg abcdefgh 12qwaszx
starwars whatever freedom michael jennifer charlie jordan23 hunter hunter2 ranger access access14
mustang harley killer pepper summer winter autumn spring computer internet secret secret123 changeme
changeme123 default guest guest123 login login123 root toor test test123 testing tester passport
lovely loveme loveyou iloveu iloveyou1 iloveyou2 princess1 sunshine1 football1 baseball1 basketball
soccer hockey tennis golfer jessica ashley michelle daniel thomas robert matthew andrew joshua
nicole amanda samsung google yahoo microsoft apple123 facebook instagram youtube minecraft pokemon
naruto hello hello123 helloworld goodluck blessed jesus christ godisgood heaven angel angels
butterfly flower flowers chocolate cookie banana orange purple yellow silver golden diamond
qwerty123456 123123123 123321123 12344321 87654321 98765432 987654321 9876543210 11223344 112233445566
121212 12121212 123123 1231234 13131313 147258369 159753 15975346 159357 741852963 789456123
147852369 963852741 123654789 zxcasdqwe qweasdzxc qweasd qwe123 asd123 zxc123 aaaaaa aaaaaaaa
parol parol123 privet privet123 qwertyuiop123 ytrewq ytrewq123 nastya natasha marina svetlana
tatiana olga elena irina anastasia ekaterina dmitry sergey andrey alexey vladimir aleksandr
aleksey maxim ivanov kazakhstan almaty astana qazaqstan nursultan aigerim aruzhan
`.split(/\s+/).filter(Boolean);

const words = `password pass passwd secret love iloveyou admin root user login welcome hello letmein
qwerty dragon monkey master shadow sunshine princess football baseball soccer hockey summer winter
spring autumn flower angel baby computer internet samsung apple google charlie michael jordan
superman batman starwars pokemon naruto killer hunter ranger tiger lion eagle falcon wolf bear
cookie chocolate banana orange purple silver golden diamond money lucky happy smile freedom
magic dream forever family friend friends mother father sister brother daniel thomas robert
anna maria elena olga irina natasha marina svetlana tatiana katya masha dasha nastya sasha
dima sergey andrey alexey ivan maxim nikita artem denis pavel roman oleg igor victor
parol privet solnce zvezda lubov kotik zaika ryba mama papa babushka doroga
almaty astana aigerim aruzhan dana asel aliya madina nurlan yerlan daniyar arman askar
kazakhstan qazaqstan moscow russia london paris berlin chelsea arsenal liverpool barcelona
realmadrid juventus spartak zenit cska dinamo ferrari porsche mercedes bmw toyota nissan
matrix ninja pirate rocket thunder storm shadow phoenix legend gamer player music guitar
rainbow princesa bonjour ciao hallo`.split(/\s+/).filter(Boolean);

const keyboardRows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'йцукенгшщз', 'фывапролд', 'ячсмитьбю'];
const suffixes = ['', '1', '12', '123', '1234', '12345', '123456', '!', '1!', '123!', '01', '007', '69', '77', '88', '99', '00', '11', '777', '666', '@123', '#1', '_123', '.123'];

const wordSuffixes = ['', '1', '12', '123', '1234', '12345', '123456', '!', '01', '007', '777', '69'];

const out = new Set();
const add = (p) => { if (p && p.length >= 4 && p.length <= 40) out.add(p); };

classics.forEach(add);

// Number sequences, repeats and dates.
for (let len = 4; len <= 12; len++) {
  add('1234567890'.repeat(2).slice(0, len));
  add('0987654321'.repeat(2).slice(0, len));
  add('9876543210'.slice(0, len));
  for (let d = 0; d <= 9; d++) add(String(d).repeat(len));
  for (let a = 0; a <= 9; a++) for (let b = 0; b <= 9; b++) if (a !== b) add(`${a}${b}`.repeat(len).slice(0, len));
}
for (let start = 0; start <= 9; start++) for (let len = 6; len <= 10; len++) {
  let s = '';
  for (let i = 0; i < len; i++) s += String((start + i) % 10);
  add(s);
}
for (let y = 1950; y <= 2030; y++) { add(String(y)); add(`${y}${y}`); add(`0101${y}`); add(`${y}0101`); }

// Keyboard walks: every run of 4 or more keys along a row, forwards and backwards, and row pairs.
for (const row of keyboardRows) {
  for (let i = 0; i < row.length; i++) for (let j = i + 4; j <= row.length; j++) {
    const walk = row.slice(i, j);
    add(walk);
    add([...walk].reverse().join(''));
    add(walk.toUpperCase());
    for (const s of ['1', '12', '123', '1234', '!']) add(walk + s);
  }
}
for (const walk of ['qwerty', 'asdfgh', 'zxcvbn', 'qwertyui', 'asdfghjk', 'qazwsx', 'wsxedc', '1qaz2wsx', 'zaq1xsw2', 'qweasdzxc', '1q2w3e', '1q2w3e4r5t6y', 'q1w2e3', 'zaq12wsx', 'xsw21qaz']) {
  add(walk);
  for (const s of suffixes) add(walk + s);
}

// Common words with digits, years and capitals.
for (const w of words) {
  const capital = w[0].toUpperCase() + w.slice(1);
  for (const s of wordSuffixes) add(w + s);
  for (const s of ['', '1', '12', '123', '1234', '!']) add(capital + s);
  add(w.toUpperCase());
  for (let y = 1996; y <= 2025; y++) add(w + y);
  add(w + w);
  add(w.replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3'));
  add(w.replace(/o/g, '0') + '1');
}

const list = [...out];
writeFileSync(join(__dirname, '..', 'apps', 'accounts', 'src', 'passwords', 'common-passwords.txt'), list.join('\n') + '\n');
process.stdout.write(`${list.length} passwords\n`);
