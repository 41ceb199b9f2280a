// Characters that are written down wrongly for one another when a name is copied from a form,
// read out over a counter or typed with a pinyin input method:
//
// - LOOK_ALIKE: 形近字 groups, compiled by hand from the look-alike character lists used in
//   primary-school teaching (形近字辨析) and from the kinds of errors seen in household-register
//   corrections (户籍信息变更更正): a stroke more or less (己/已/巳, 未/末, 戍/戌), the same
//   phonetic with another radical (娟/涓/鹃, 琪/淇/祺), and a few variant forms (喆/哲, 堃/坤)
//   that opencc does not fold. Every character is in simplified form, because names are
//   compared after normaliseName; a test checks that.
// - Homophones: characters sharing a toneless reading (张/章, 伟/玮, 淑/叔), from pinyin-pro's
//   full list of readings, so a polyphonic character (单 dan/shan) matches on any of them.
// - Near-homophones: readings equal under the fuzzy-pinyin (模糊音) rules of the common Chinese
//   input methods, which exist because speakers of southern and south-western dialects merge
//   these sounds: z/zh, c/ch, s/sh, l/n, f/h, l/r; an/ang, en/eng, in/ing, ian/iang, uan/uang.
import { pinyin } from 'pinyin-pro';

const LOOK_ALIKE: readonly string[] = [
  // a stroke more or less, or a stroke's length
  '己已巳', '未末', '戌戍戊戎', '王玉主壬', '士土', '日曰', '人入八', '大太犬丈', '天夭夫',
  '千干于', '午牛', '毛手', '贝见', '刀刁刃力', '九丸', '几凡', '今令', '斤斥', '亨享', '辛幸',
  '兔免', '乌鸟', '鸟岛', '白自', '自目', '申甲由田', '丙两', '义叉又', '友反', '吉告', '冉再',
  '丹舟', '壹壶', '贵责', '寅宙', '宙审', '宫官宦', '宣宜', '亘互', '市巿', '冶治', '汩汨',
  '亳毫', '汗汁', '沐沭', '泊柏伯', '柏拍', '佰陌', '兵乒乓', '冰水永', '云去', '军车', '宁宇',
  '宇字', '冬东', '茂戊', '崇祟', '问间', '杳香', '栗粟票', '明朋', '盈盆', '勾匀句', '甲申',
  '旦且', '曲典', '乙已', '笑关', '竞竟', '竟境镜', '暮幕墓慕募蓦', '晋普', '仑伦', '季李',
  '采来', '析折拆', '侯候', '代伐', '失矢', '礼札', '巾币', '厉历', '免兔', '孑孓', '戈弋',
  '夙凤', '凤风', '岚风', '雪雷', '盲育', '官宫', '候喉', '晴睛', '春秦泰奉', '秦泰', '奉俸',
  '峰锋蜂烽', '琛深探', '晨浸侵', '恒桓垣', '雯霁', '萌明', '宝室', '营莹', '荣菜', '崧松淞',
  '旺汪', '汪江', '江红', '刚刃', '冈岗', '纲钢', '肖宵消霄逍', '萧箫潇啸', '谢榭', '陈阵',
  '陆陵', '邵召劭', '郝赫', '栋练炼拣', '拣捡', '兢竞', '瞿翟', '濯耀', '曜耀跃', '默墨',
  '黛袋贷岱', '傲敖骜', '邦帮', '榜傍磅谤', '彭澎膨', '棠堂', '樱缨婴', '楼樱', '蕊芯', '芯心',
  '伊尹', '尹君', '君群郡', '姗珊删栅', '杉衫彬', '璇旋漩', '妤好', '好如', '汝如茹', '芸耘纭',
  '韵均匀', '钧均筠', '甫浦捕铺', '涛寿祷', '娇矫骄侨乔桥', '姣佼皎绞狡饺校', '侠狭峡', '衡衔',
  '勇甬涌俑', '博搏膊', '溥傅缚薄', '宾滨缤槟', '巍魏', '嘉喜', '熙照', '煦旭', '焱炎', '淼森',
  '磊垒', '琦崎绮骑奇', '玥钥', '璟憬影', '景京', '瑛瑶', '瑶谣遥摇', '琬婉宛碗', '琰谈', '瑗媛援缓暖',
  '瑞端揣湍', '瑕假', '琨昆混', '珂柯坷轲', '珏钰', '珈伽迦', '淳谆醇', '惇敦墩', '廉谦嫌',
  '婧靖', '诚城成', '晟盛', '胜性姓', '炳柄', '灏颢皓浩', '泽择译', '译峄绎驿', '锟昆', '锴楷皆',
  '捧棒', '靓倩', '琴瑟', '霄宵', '梓锌', '澍树', '堃坤珅', '沛霈', '纤歼', '伯佰百',
  // the same phonetic with another radical
  '淑叔菽', '霞瑕暇遐', '辨辩辫瓣', '宜谊', '琪淇祺棋旗骐麒', '瑜愉榆喻渝逾', '洁沽', '伦论轮抡纶',
  '婷亭停渟', '杨扬汤肠畅场', '娟涓鹃绢捐', '萍苹坪评', '梅海悔晦诲', '玲铃伶龄零羚聆翎', '佳住往',
  '俊峻骏浚竣', '浩皓', '晓烧浇绕', '凯剀恺铠皑', '丽莉俪郦鹂', '芳方坊仿访纺房放', '红虹',
  '英瑛', '慧惠蕙', '静靖', '燕雁', '琳霖淋', '敬警儆', '娥峨蛾鹅俄', '荧萤营莺萦', '颖颍',
  '珍诊疹', '桂硅', '斌彬', '彤形', '晖辉挥珲', '昊吴', '炜玮伟苇韦纬帏', '安案按', '泳咏',
  '余佘', '崔催摧', '卓桌', '祥样详翔', '福幅富副辐蝠', '禄绿碌录', '城诚', '廷延', '建健键',
  '庭挺艇霆', '锦绵棉', '锐悦说税', '铭名茗', '娜哪', '妮泥呢', '贞页负', '员贝', '宏弘泓',
  '秋愁', '春椿', '蓝篮', '蓉容溶熔榕', '嵘峥', '波坡玻', '灿粲', '航舫', '帆凡', '振震赈',
  '宸辰晨', '璐路露潞鹭', '鸣呜', '蒋将奖', '章彰樟璋漳', '鸿洪', '涣焕唤换', '俭检捡验剑险',
  '贤坚竖', '嵩蒿篙', '楠南喃', '萱宣喧暄渲瑄', '函涵菡', '晗含', '欣昕炘忻', '昕听', '亭停',
  '汀订钉', '芹斤', '竹竺', '茜西', '倩青清情请', '婕捷睫', '妍研', '颜彦', '宪完', '俞愈喻',
  '莲连链涟', '荷何河', '枫讽', '姿资咨', '涵菡', '澜斓谰', '娴闲', '瑾谨馑槿', '勤勒', '湘厢箱',
  '柔揉', '媚楣', '姝株殊珠', '茵菌因', '雅稚', '淮准', '睿壑', '泓宏', '翠萃悴', '怡治始',
  '悦锐阅', '婵蝉禅', '娅亚', '琼瑶', '苗笛', '苓岭', '莎沙纱砂', '茹如', '薇徽微',
  '雨两', '露路', '锋峰', '钊钏', '刘浏', '佩珮', '旻旼', '曦羲', '熠煜', '烨晔', '昱昙',
  '晶品', '晏宴', '昭照', '曼漫慢', '晞睎', '颂硕', '顺须', '瀚翰', '翰韩', '韬滔', '钦饮',
  '铮峥挣', '钟钝', '镇慎缜', '彦产', '舒纾', '舟册', '凌陵菱棱', '冯马', '沈沉',
  '邱丘', '岳兵', '丘兵', '吕侣', '宋宗', '汤场', '龚袭', '贺资', '贾价', '侯喉', '郭廓',
  '廖寥', '邹皱', '姚桃', '殷段', '段锻', '柯珂', '晏宴', '鲍饱', '傅溥', '滕腾藤',
  '耿取', '聂摄', '熊能', '奚溪', '向问', '简筒', '景影', '董童', '祁祈', '习刁',
  // variant forms that opencc keeps apart
  '喆哲', '堃坤', '冨富', '珎珍', '犇奔', '祐佑', '甯宁', '玪玲',
];

const neighbours = new Map<string, Set<string>>();
for (const group of LOOK_ALIKE) {
  const chars = [...group];
  for (const a of chars) {
    for (const b of chars) {
      if (a === b) continue;
      let set = neighbours.get(a);
      if (!set) neighbours.set(a, (set = new Set()));
      set.add(b);
    }
  }
}

/** The look-alike table as unordered pairs "ab" (a < b), for documentation and tests. */
export function lookAlikePairs(): string[] {
  const out: string[] = [];
  for (const [a, set] of neighbours) for (const b of set) if (a < b) out.push(a + b);
  return out.sort();
}

/** Everything a comparison needs about one character; one shared object per distinct character. */
export interface CharInfo {
  readonly char: string;
  /** Ids of its toneless readings (all of them: 单 dan, shan, chan) … */
  readonly readings: readonly number[];
  /** … and of their fuzzy-pinyin forms. */
  readonly fuzzy: readonly number[];
  readonly lookAlikes: ReadonlySet<string> | undefined;
}

const infoCache = new Map<string, CharInfo>();
const syllableIds = new Map<string, number>();
const syllableId = (s: string) => {
  let id = syllableIds.get(s);
  if (id === undefined) syllableIds.set(s, (id = syllableIds.size));
  return id;
};

/** Fuzzy-pinyin form of a toneless syllable (v for ü): zh→z, n→l, r→l, f→h, ang→an, … */
export function fuzzySyllable(s: string): string {
  return s
    .replace(/^([zcs])h/, '$1')
    .replace(/^n(?=[aeiouv])/, 'l')
    .replace(/^r/, 'l')
    .replace(/^f/, 'h')
    .replace(/([aei]n)g$/, '$1');
}

/** The shared CharInfo of a character (pinyin-pro is asked once per distinct character). */
export function charInfo(c: string): CharInfo {
  let info = infoCache.get(c);
  if (!info) {
    const exact = pinyin(c, { toneType: 'none', type: 'array', multiple: true, v: true }).map((x) => x.toLowerCase());
    info = {
      char: c,
      readings: [...new Set(exact.map(syllableId))],
      fuzzy: [...new Set(exact.map((x) => syllableId(fuzzySyllable(x))))],
      lookAlikes: neighbours.get(c),
    };
    infoCache.set(c, info);
  }
  return info;
}

function intersects(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (a[i] === b[j]) return true;
  return false;
}

export function infoHomophones(a: CharInfo, b: CharInfo): boolean {
  return a === b || intersects(a.readings, b.readings);
}

/** Same, look-alike or near-homophone (which includes homophone). */
export function infoConfusable(a: CharInfo, b: CharInfo): boolean {
  return a === b || (a.lookAlikes?.has(b.char) ?? false) || intersects(a.fuzzy, b.fuzzy);
}

export function lookAlike(a: string, b: string): boolean {
  return neighbours.get(a)?.has(b) ?? false;
}

/** Share a toneless reading (张/章, 单/丹). */
export function homophones(a: string, b: string): boolean {
  return infoHomophones(charInfo(a), charInfo(b));
}

/** Share a reading under the input-method fuzzy-pinyin rules (陈/程, 林/宁, 胡/福). */
export function nearHomophones(a: string, b: string): boolean {
  const x = charInfo(a), y = charInfo(b);
  return x === y || intersects(x.fuzzy, y.fuzzy);
}

export type CharRelation = 'same' | 'look-alike' | 'homophone' | 'near-homophone' | null;

/** How two characters of a name relate, strongest first; null when unrelated. */
export function charRelation(a: string, b: string): CharRelation {
  if (a === b) return 'same';
  if (lookAlike(a, b)) return 'look-alike';
  if (homophones(a, b)) return 'homophone';
  if (nearHomophones(a, b)) return 'near-homophone';
  return null;
}

export function charsConfusable(a: string, b: string): boolean {
  return infoConfusable(charInfo(a), charInfo(b));
}
