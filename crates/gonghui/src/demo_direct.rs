//! A year of the demo county's direct channels (五直), through the store as members and staff
//! would take them on the pages: members' policy questions in every category, answered by the
//! department that owns the category (most of them published to the FAQ, worded without the
//! asker; a few unpublished; the latest still open), rated by the askers; and bulletins pushed
//! to the whole county or to a few towns, most unions confirming in time, some late, a few not
//! at all.
//!
//! The questions are what workers ask: a topic (加班费, 试用期, 产假 …) in the words of a
//! situation, asked by someone in a trade; the answers say what the law says and cite it.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::{Actor, Db};
use time::{Date, Duration};

/// A topic members ask about: the category it is filed in, the ways it is asked (each a
/// situation with its question), who asks it, and the answer.
struct Topic {
    category: &'static str,
    asks: &'static [&'static str],
    /// Women's topics are asked by women's trades.
    women: bool,
    answer: &'static str,
}

/// Trades a question is asked from ("我是{trade}，…"; the FAQ keeps the trade, not the person).
const TRADES: &[&str] = &[
    "车间操作工",
    "快递员",
    "外卖骑手",
    "建筑工地钢筋工",
    "货车司机",
    "超市理货员",
    "酒店服务员",
    "物业保安",
    "电子厂装配工",
    "机械厂焊工",
    "食品厂包装工",
    "小区保洁员",
    "网约车司机",
    "仓库叉车司机",
    "餐馆厨师",
    "汽配厂质检员",
    "印刷厂学徒",
    "医药公司销售",
    "驾校教练",
    "商场导购",
    "家具厂木工",
    "水产加工厂工人",
    "化工厂操作工",
    "装修公司电工",
    "物流园搬运工",
    "加油站加油员",
    "环卫工人",
    "纺织厂机修工",
    "农业合作社工人",
    "面包店学徒",
    "汽修厂维修工",
    "船厂电焊工",
    "养老院护理员",
    "保险公司业务员",
];

const WOMEN_TRADES: &[&str] = &[
    "纺织厂挡车工",
    "超市收银员",
    "服装厂缝纫工",
    "医院护工",
    "电子厂女工",
    "幼儿园保育员",
    "酒店客房服务员",
    "商场导购员",
    "食品厂包装女工",
    "银行柜员",
    "家政服务员",
    "物流公司文员",
    "药店营业员",
    "电商客服",
    "美容店技师",
    "学校食堂员工",
    "服装店店员",
    "会计",
];

const TOPICS: &[Topic] = &[
    Topic {
        category: "wages",
        asks: &[
            "周末连续加班，单位只给调休不给加班费，合法吗",
            "每天晚上都要加班两个小时，加班费该怎么算",
            "国庆节被安排上班，加班工资按几倍算",
            "单位说我们是计件工资，加班就没有加班费了，对吗",
        ],
        women: false,
        answer: "按《劳动法》第四十四条：工作日延长工作时间的，支付不低于工资150%的工资报酬；休息日安排工作又不能安排补休的，支付不低于工资200%的工资报酬；法定休假日安排工作的，支付不低于工资300%的工资报酬，法定休假日加班不能以补休代替。实行计件工资的，在完成计件定额后延长工作时间，也应按上述标准支付。单位不支付的，可以向劳动保障监察机构投诉，也可以申请劳动争议调解或仲裁，工会可以提供法律援助。",
    },
    Topic {
        category: "wages",
        asks: &[
            "单位已经拖欠三个月工资了，我该怎么办",
            "老板说等工程款结了再发工资，可以这样拖吗",
            "离职后单位一直不结最后一个月的工资",
            "包工头跑了，工地上的工资找谁要",
        ],
        women: false,
        answer: "工资应当以货币形式按月支付给劳动者本人，不得克扣或者无故拖欠（《劳动法》第五十条）。工程建设领域实行施工总承包单位代发工资和工资保证金制度，分包单位或包工头拖欠的，由施工总承包单位先行清偿（《保障农民工工资支付条例》）。请保留考勤记录、工资条、聊天记录等证据，可以拨打12351职工服务热线或到县总工会职工服务中心求助，也可以向劳动保障监察机构投诉或申请劳动仲裁；追索劳动报酬的仲裁可以申请先予执行。",
    },
    Topic {
        category: "wages",
        asks: &[
            "试用期的工资可以比合同约定的低多少",
            "试用期只发最低工资标准的一半，合法吗",
            "试用期没有转正，工资还按试用期发",
        ],
        women: false,
        answer: "按《劳动合同法》第二十条，试用期工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十，并不得低于用人单位所在地的最低工资标准。试用期满没有另行约定的，应当按劳动合同约定的工资发放。差额部分可以要求单位补发，协商不成可以申请劳动争议调解或仲裁。",
    },
    Topic {
        category: "wages",
        asks: &[
            "单位把加班费和夜班补贴算进最低工资里，对吗",
            "扣完住宿费以后拿到手的钱低于最低工资",
            "我们县现在的最低工资标准是多少，怎么算",
        ],
        women: false,
        answer: "劳动者在法定工作时间内提供了正常劳动，单位支付的工资不得低于当地最低工资标准。按《最低工资规定》，延长工作时间的工资，中班、夜班、高温、低温、井下、有毒有害等特殊条件下的津贴，以及法律法规规定的劳动者福利待遇，都不计入最低工资。当地标准以省政府最新公布的为准，可以向县人社局或县总工会职工服务中心查询。",
    },
    Topic {
        category: "wages",
        asks: &[
            "夏天在室外干活，单位从来不发高温津贴",
            "高温津贴是按天发还是按月发，谁来发",
            "车间里温度很高，能不能要求高温补贴",
        ],
        women: false,
        answer: "每年6月至9月，安排劳动者在高温天气下露天工作，或者不能采取有效措施将工作场所温度降到33℃以下的，用人单位应当按省里规定的标准向劳动者发放高温津贴，并纳入工资总额，高温津贴不得计入最低工资。单位不发的，可以向工会反映，由工会督促整改，也可以向劳动保障监察机构投诉。",
    },
    Topic {
        category: "contract",
        asks: &[
            "上班快半年了，单位一直不跟我签劳动合同",
            "单位说签了劳务协议就不用签劳动合同，对吗",
            "入职时没签合同，现在离职能要求什么",
        ],
        women: false,
        answer: "按《劳动合同法》第十条、第八十二条，建立劳动关系应当订立书面劳动合同；用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资；满一年仍未订立的，视为已订立无固定期限劳动合同。请保留工资流水、考勤、工作证等能证明劳动关系的材料，可以申请劳动仲裁主张二倍工资差额（仲裁时效一年）。",
    },
    Topic {
        category: "contract",
        asks: &[
            "签一年的合同，试用期定了六个月，合法吗",
            "单位让我重新试用一次，这样可以吗",
            "试用期被辞退，单位说不用给任何补偿",
        ],
        women: false,
        answer: "按《劳动合同法》第十九条，劳动合同期限三个月以上不满一年的，试用期不得超过一个月；一年以上不满三年的，不得超过二个月；三年以上固定期限和无固定期限的，不得超过六个月。同一用人单位与同一劳动者只能约定一次试用期。试用期内单位解除合同，必须证明劳动者不符合录用条件并说明理由，否则属于违法解除，应当支付赔偿金。",
    },
    Topic {
        category: "contract",
        asks: &["我想辞职，单位说要扣一个月工资才放人", "辞职要提前多久跟单位说", "单位不批辞职，不给办离职手续怎么办"],
        women: false,
        answer: "按《劳动合同法》第三十七条，劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同；试用期内提前三日通知即可，不需要单位批准。除违反服务期或竞业限制约定外，单位不得要求劳动者支付违约金，也不能以此扣工资。单位应当在解除劳动合同时出具解除证明，并在十五日内办理档案和社会保险关系转移手续，拒不办理造成损失的应当赔偿。",
    },
    Topic {
        category: "contract",
        asks: &[
            "厂里效益不好要裁员，被裁的人有没有补偿",
            "合同到期单位不续签，能拿经济补偿吗",
            "经济补偿金是怎么计算的",
        ],
        women: false,
        answer: "按《劳动合同法》第四十六条、第四十七条，经济性裁员、劳动合同期满单位不续订（单位维持或提高条件而劳动者不同意续订的除外）等情形，用人单位应当支付经济补偿：按劳动者在本单位工作的年限，每满一年支付一个月工资；六个月以上不满一年的按一年计算；不满六个月的支付半个月工资。月工资按解除前十二个月的平均工资计算。单位违法解除的，应当按经济补偿标准的二倍支付赔偿金。",
    },
    Topic {
        category: "contract",
        asks: &[
            "入职时单位收了五百元押金，说干满一年才退",
            "单位扣着我的身份证原件不还",
            "上岗前要交服装费和培训费，合理吗",
        ],
        women: false,
        answer: "按《劳动合同法》第九条，用人单位招用劳动者，不得扣押劳动者的居民身份证和其他证件，不得要求劳动者提供担保或者以其他名义向劳动者收取财物。已经收取的，由劳动行政部门责令限期退还，并可以处以罚款。可以直接向单位要求退还，单位拒绝的向劳动保障监察机构投诉，工会可以协助。",
    },
    Topic {
        category: "insurance",
        asks: &[
            "单位一直没给我交社保，能补交吗",
            "单位让我签自愿放弃社保的协议，签了有效吗",
            "单位只按最低基数给我交社保，合法吗",
        ],
        women: false,
        answer: "参加社会保险是用人单位和劳动者的法定义务，不能由双方约定放弃，签了“自愿放弃社保”的协议也无效。按《社会保险法》第五十八条、第六十三条，用人单位应当自用工之日起三十日内为职工办理社会保险登记，并按职工实际工资确定缴费基数；未按时足额缴纳的，由社会保险费征收机构责令限期缴纳或者补足，并加收滞纳金。可以向税务部门或劳动保障监察机构投诉，因单位未缴社保造成损失的，可以申请劳动仲裁。",
    },
    Topic {
        category: "insurance",
        asks: &[
            "上班时手被机器压伤，单位不给申报工伤",
            "下班路上被车撞了，算不算工伤",
            "工伤认定要准备哪些材料，多长时间内申请",
        ],
        women: false,
        answer: "按《工伤保险条例》第十七条，职工发生事故伤害，用人单位应当自事故伤害发生之日起30日内向社会保险行政部门提出工伤认定申请；单位不申请的，工伤职工或者其近亲属、工会组织在事故伤害发生之日起1年内，可以直接提出申请。在上下班途中受到非本人主要责任的交通事故伤害的，应当认定为工伤。需要准备工伤认定申请表、劳动关系证明（合同、工资流水等）、医疗诊断证明；交通事故还需交警部门的事故责任认定书。",
    },
    Topic {
        category: "insurance",
        asks: &["被单位辞退了，能不能领失业保险金", "失业金要交满多少年才能领，能领多久", "自己辞职的可以领失业金吗"],
        women: false,
        answer: "按《社会保险法》第四十五条，领取失业保险金需要同时符合：失业前用人单位和本人已经缴纳失业保险费满一年；非因本人意愿中断就业（如被辞退、合同到期单位不续签）；已经进行失业登记并有求职要求。主动辞职一般不符合条件。领取期限按累计缴费时间确定，缴费满一年不足五年的最长12个月，满五年不足十年的最长18个月，十年以上的最长24个月。可以到县人社部门或通过线上平台办理失业登记和申领。",
    },
    Topic {
        category: "insurance",
        asks: &[
            "跑单没有单位，怎么参加养老和医疗保险",
            "灵活就业人员参保，费用是不是全部自己出",
            "平台不给交社保，出了事故怎么保障",
        ],
        women: false,
        answer: "无雇工的个体工商户、未在用人单位参加社会保险的非全日制从业人员以及其他灵活就业人员，可以以个人身份参加基本养老保险和基本医疗保险，由个人缴纳保险费（《社会保险法》第十条、第二十三条），可以在户籍地或常住地的社保经办机构或线上平台办理。外卖、快递等新就业形态劳动者，平台企业应当按规定参加职业伤害保障；工会也提供职工互助医疗保障，可以在所在工会报名。",
    },
    Topic {
        category: "safety",
        asks: &[
            "班长让我们不戴安全带上高处作业，可以拒绝吗",
            "机器防护罩坏了还让继续开工，怎么办",
            "拒绝冒险作业会不会被扣工资",
        ],
        women: false,
        answer: "按《安全生产法》，从业人员有权对本单位安全生产工作中存在的问题提出批评、检举、控告，有权拒绝违章指挥和强令冒险作业；发现直接危及人身安全的紧急情况时，有权停止作业或者在采取可能的应急措施后撤离作业场所。生产经营单位不得因此降低其工资、福利等待遇或者解除劳动合同。可以向本单位工会或安全生产监督管理部门反映，工会有权要求单位纠正。",
    },
    Topic {
        category: "safety",
        asks: &["单位不发劳保用品，让我们自己买", "劳保手套和口罩用坏了单位不给换", "单位发钱代替劳保用品，可以吗"],
        women: false,
        answer: "生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品，并监督、教育从业人员按照使用规则佩戴、使用，不得以货币或者其他物品替代应当按规定配备的劳动防护用品，费用由单位承担。单位不提供的，可以向工会劳动保护监督检查员或安全生产监督管理部门反映。",
    },
    Topic {
        category: "safety",
        asks: &[
            "车间里粉尘很大，单位从不组织职业病体检",
            "离职的时候单位要不要给做职业健康检查",
            "怀疑得了职业病，去哪里诊断",
        ],
        women: false,
        answer: "按《职业病防治法》，对从事接触职业病危害作业的劳动者，用人单位应当按规定组织上岗前、在岗期间和离岗时的职业健康检查，费用由用人单位承担，并将检查结果书面告知劳动者；未进行离岗前职业健康检查的，不得解除或者终止劳动合同。怀疑患有职业病的，可以在用人单位所在地、本人户籍所在地或者经常居住地依法承担职业病诊断的医疗卫生机构进行诊断。",
    },
    Topic {
        category: "safety",
        asks: &[
            "送餐路上出了交通事故，平台和站点都不管",
            "骑电动车送件，单位要求超速赶时间",
            "夜里长时间开车，单位不让休息",
        ],
        women: false,
        answer: "用人单位应当合理安排工作时间和劳动定额，不得以算法、考核等方式强迫劳动者超速、疲劳作业。平台企业应当按规定为新就业形态劳动者参加职业伤害保障，发生事故后及时报告、协助救治。遇到此类情况请保留接单记录和考核规则截图，可以向所在站点或平台的工会、县总工会职工服务中心反映，也可以拨打12351职工服务热线。",
    },
    Topic {
        category: "women",
        asks: &[
            "怀孕以后单位要调我的岗还降工资",
            "刚告诉单位怀孕了，就被通知不续合同了",
            "孕期去医院产检，单位算我请事假扣钱",
        ],
        women: true,
        answer: "按《劳动合同法》第四十二条，女职工在孕期、产期、哺乳期的，用人单位不得依照第四十条、第四十一条的规定解除劳动合同；劳动合同期满的，应当续延至相应的情形消失时终止。《女职工劳动保护特别规定》第五条规定，用人单位不得因女职工怀孕、生育、哺乳降低其工资、予以辞退、与其解除劳动或者聘用合同；第六条规定，怀孕女职工在劳动时间内进行产前检查，所需时间计入劳动时间。可以向县总工会女职工部反映，工会将督促单位纠正。",
    },
    Topic {
        category: "women",
        asks: &["生孩子能休多少天产假，产假期间工资怎么发", "难产和生双胞胎，产假能不能多休", "流产了有没有产假"],
        women: true,
        answer: "按《女职工劳动保护特别规定》第七条，女职工生育享受98天产假，其中产前可以休假15天；难产的，增加产假15天；生育多胞胎的，每多生育1个婴儿，增加产假15天。怀孕未满4个月流产的，享受15天产假；怀孕满4个月流产的，享受42天产假。本省对延长产假另有规定的，同时享受。产假期间，已经参加生育保险的，按照用人单位上年度职工月平均工资的标准由生育保险基金支付生育津贴；未参加的，由用人单位按照女职工产假前工资的标准支付。",
    },
    Topic {
        category: "women",
        asks: &["孩子还不到一岁，单位安排我上夜班", "哺乳期每天有没有喂奶时间", "哺乳期单位要求加班，可以拒绝吗"],
        women: true,
        answer: "按《女职工劳动保护特别规定》第九条，对哺乳未满1周岁婴儿的女职工，用人单位不得延长劳动时间或者安排夜班劳动。用人单位应当在每天的劳动时间内为哺乳期女职工安排1小时哺乳时间；生育多胞胎的，每多哺乳1个婴儿每天增加1小时哺乳时间。单位违反规定的，可以向县总工会女职工部或劳动保障监察机构反映。",
    },
    Topic {
        category: "women",
        asks: &["工会组织的两癌筛查怎么报名", "两癌筛查要不要自己出钱", "没有参加工会能不能做两癌筛查"],
        women: true,
        answer: "县总工会每年为在会女职工组织“两癌”（乳腺癌、宫颈癌）免费筛查，由所在基层工会统一报名，按分批通知的时间到指定医院检查，费用由工会承担。尚未入会的女职工可以先申请加入工会。具体批次和名额以县总工会女职工部当年的通知为准，也可以在“我的普惠”里查看报名情况。",
    },
    Topic {
        category: "women",
        asks: &["车间主管经常说些下流话，还动手动脚", "被同事性骚扰，单位说是个人私事不管"],
        women: true,
        answer: "按《妇女权益保障法》和《女职工劳动保护特别规定》第十一条，在劳动场所，用人单位应当预防和制止对女职工的性骚扰，建立受理投诉、调查处置等制度。遇到性骚扰，请尽量保存聊天记录、录音、证人等证据，可以向单位工会、县总工会女职工部投诉，单位不处理的可以向公安机关报案，也可以依法提起民事诉讼。",
    },
    Topic {
        category: "other",
        asks: &["没有固定单位，能不能加入工会", "在小作坊上班，怎么入会", "入会要交多少会费，有什么好处"],
        women: false,
        answer: "按《工会法》第三条，在中国境内的企业、事业单位、机关、社会组织（以下统称用人单位）中以工资收入为主要生活来源的劳动者，都有依法参加和组织工会的权利。所在单位没有工会的，可以到单位所在地的乡镇（街道）工会或行业工会入会，新就业形态劳动者也可以在手机上申请入会。会费按本人工资收入的千分之五缴纳，入会后可以享受工会的法律援助、困难帮扶、互助保障、疗休养和各类普惠服务。",
    },
    Topic {
        category: "other",
        asks: &["换了工作，工会会员关系怎么转", "原来单位倒闭了，会员关系放在哪里"],
        women: false,
        answer: "会员调动工作或者转换单位的，由原单位工会开具会员组织关系接转手续，到新单位工会报到；新单位尚未建立工会的，可以转到所在地的乡镇（街道）工会，会籍连续计算。原单位关闭或者工会撤销的，会员关系可以转到所在地乡镇（街道）工会或者行业工会。可以联系新单位工会或县总工会组织部办理。",
    },
    Topic {
        category: "other",
        asks: &[
            "家里有人生了大病，工会能给什么帮助",
            "孩子考上大学家里困难，怎么申请金秋助学",
            "困难职工建档需要什么条件",
        ],
        women: false,
        answer: "家庭人均收入低于当地最低生活保障标准，或者因本人、家庭成员患大病、子女上学、遭受灾害等原因造成生活困难的职工，可以向所在基层工会申请困难职工建档，经入户核实和逐级审核后纳入帮扶，享受生活救助、医疗救助、金秋助学等帮扶。申请时请准备家庭成员、收入证明和相关病历或录取通知书，也可以在“关爱服务”里了解进度。",
    },
    Topic {
        category: "other",
        asks: &["职工互助医疗保障怎么参加，住院能报多少", "互助保障的报销需要哪些材料"],
        women: false,
        answer: "职工互助医疗保障由基层工会每年统一组织会员参加，住院医疗费用在基本医疗保险报销后，个人自付部分可以按互助保障的规定再获得一定比例的补助。出院后向所在基层工会提交住院发票、费用清单、出院小结和医保结算单，由工会统一申报。具体的参保时间和补助标准以当年的活动通知为准。",
    },
    Topic {
        category: "other",
        asks: &["被欠了工资请不起律师，工会能帮忙打官司吗", "工会的法律援助怎么申请，要不要钱"],
        women: false,
        answer: "因追索劳动报酬、工伤赔偿、社会保险待遇等劳动权益受到侵害，经济困难或者符合条件的职工，可以向县总工会申请法律援助，工会法律援助免费，由工会律师或法律服务人员提供咨询、代写文书、参与调解、代理仲裁和诉讼。可以在手机上的“法律援助”里申请，或者拨打12351职工服务热线、到县总工会职工服务中心申请。",
    },
];

/// `n` FAQ entries as the demo's questions would publish them, (category, question, answer):
/// every topic asked every way from every trade, then again with the ways people open and close
/// a question, for a benchmark's corpus.
pub fn faq_corpus(n: usize, seed: u64) -> Vec<(&'static str, String, &'static str)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let opens = ["", "请问", "咨询一下：", "想问问，", "麻烦问下，", "您好，", "求助："];
    let closes = ["？", "？谢谢", "？急", "？在线等", "？有没有相关规定", "？该找哪个部门"];
    let mut out = Vec::with_capacity(n);
    'all: for (o, c) in opens.iter().flat_map(|o| closes.iter().map(move |c| (o, c))) {
        let mut round: Vec<(usize, usize, usize)> = Vec::new();
        for (t, topic) in TOPICS.iter().enumerate() {
            let trades = if topic.women { WOMEN_TRADES.len() } else { TRADES.len() };
            round.extend((0..topic.asks.len()).flat_map(|a| (0..trades).map(move |r| (t, a, r))));
        }
        round.shuffle(&mut rng);
        for (t, a, r) in round {
            if out.len() == n {
                break 'all;
            }
            let topic = &TOPICS[t];
            let trade = if topic.women { WOMEN_TRADES[r] } else { TRADES[r] };
            out.push((topic.category, format!("{o}{trade}{}{c}", topic.asks[a]), topic.answer));
        }
    }
    out
}

/// Where a question comes from: the asker's member id (their union follows from the record).
fn asker(members: &[i64], rng: &mut StdRng) -> Actor {
    member_actor(members[rng.gen_range(0..members.len())])
}

/// A member acting for themself, as on their phone.
pub(crate) fn member_actor(member_id: i64) -> Actor {
    Actor {
        user_id: None,
        username: format!("member-{member_id}"),
        name: String::new(),
        role: domain::Role::Member,
        scope: domain::Scope::OwnRecord { member_id },
        department_id: None,
        ip: None,
    }
}

/// The answerer of each category: the demo's staff of the department that owns it.
async fn answerers(db: &Db) -> anyhow::Result<Vec<(String, Actor)>> {
    let users = store::users::list(db).await?;
    let categories = store::direct::questions::categories(db).await?;
    let mut out = Vec::new();
    for c in categories {
        let user =
            users.iter().find(|u| u.role == "department" && u.department.as_deref() == Some(c.department.as_str()));
        let actor = match user {
            Some(u) => store::users::actor_of(db, u, None).await?,
            None => None,
        };
        if let Some(a) = actor {
            out.push((c.code, a));
        }
    }
    Ok(out)
}

pub(crate) struct DirectReport {
    pub questions: usize,
    pub published: usize,
    pub bulletins: usize,
}

/// A year of questions (`count`), most answered and published, the latest still open; and a
/// year of bulletins with their receipts.
pub(crate) async fn generate(
    db: &Db,
    admin: &Actor,
    count: usize,
    towns: &[String],
    grassroots: usize,
    seed: u64,
    today: Date,
) -> anyhow::Result<DirectReport> {
    use store::direct::questions as qs;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4449_5245);
    let Some((lo, hi)) = store::members::id_range(db).await? else {
        return Ok(DirectReport { questions: 0, published: 0, bulletins: 0 });
    };
    let members: Vec<i64> = (0..4000).map(|_| rng.gen_range(lo..=hi)).collect();
    let answerers = answerers(db).await?;
    // Every way of asking every topic, from every trade, once, shuffled.
    let mut asks: Vec<(usize, usize, usize)> = Vec::new();
    for (t, topic) in TOPICS.iter().enumerate() {
        let trades = if topic.women { WOMEN_TRADES.len() } else { TRADES.len() };
        for a in 0..topic.asks.len() {
            for r in 0..trades {
                asks.push((t, a, r));
            }
        }
    }
    asks.shuffle(&mut rng);
    asks.truncate(count);
    let mut days: Vec<Date> = (0..asks.len())
        .map(|i| today - Duration::days(if i < 6 { rng.gen_range(0..3) } else { rng.gen_range(3..365) }))
        .collect();
    days.sort();
    let (mut questions, mut published) = (0, 0);
    let mut tx = db.write_tx().await?;
    for (n, ((t, a, r), asked)) in asks.into_iter().zip(days).enumerate() {
        tx = crate::demo::next_batch(db, tx, n).await?;
        let topic = &TOPICS[t];
        let trade = if topic.women { WOMEN_TRADES[r] } else { TRADES[r] };
        let stem = topic.asks[a];
        let title = format!("我是{trade}，{stem}？");
        let body = format!(
            "{}。{}",
            stem,
            ["想了解一下政策规定。", "请问应该怎么办？", "希望工会帮忙解答。", "单位的说法对不对？"]
                [rng.gen_range(0..4)]
        );
        let f = qs::NewQuestion { category: topic.category.into(), title, body };
        let who = asker(&members, &mut rng);
        let (id, item_id) = qs::ask_within(&mut tx, &cal, &who, &f, asked).await?;
        questions += 1;
        // Answered in one to four working days (now and then late); the last few still open.
        let answered = cal.add_working_days(asked, rng.gen_range(1..=4) + u32::from(rng.gen_bool(0.04)) * 3);
        if answered > today {
            continue;
        }
        let by = answerers.iter().find(|(c, _)| c == topic.category).map(|(_, a)| a).unwrap_or(admin);
        let publish = rng.gen_bool(0.93);
        let form = qs::QuestionAnswer {
            answer: topic.answer.into(),
            publish,
            faq_question: Some(format!("{trade}{}？", stem.trim_start_matches("我"))),
        };
        qs::answer_within(&mut tx, &cal, by, id, &form, answered).await?;
        published += usize::from(publish);
        // Most askers rate the answer.
        if rng.gen_bool(0.7) {
            let rating = *[5, 5, 5, 4, 4, 3, 2].choose(&mut rng).unwrap_or(&5);
            let rate = store::work::ActionForm { action: "rate".into(), rating: Some(rating), ..Default::default() };
            match tx.step(async |tx| store::work::act_within(tx, &cal, &who, item_id, &rate, answered).await).await {
                Ok(()) => {}
                Err(e) if e.is_bad_input() => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    tx.commit().await?;
    let bulletins = bulletins(db, admin, towns, grassroots, &mut rng, today).await?;
    Ok(DirectReport { questions, published, bulletins })
}

const BULLETINS: &[(&str, &str, &str)] = &[
    (
        "notice",
        "关于开展“冬送温暖”走访慰问活动的通知",
        "各基层工会：\n为做好元旦春节期间困难职工走访慰问工作，请各基层工会摸清本单位困难职工、劳模和一线职工情况，于截止日期前将走访名单报镇（街道）工会，并按“有难必帮”的要求做到应访尽访。",
    ),
    (
        "notice",
        "关于做好岁末年初安全生产工作的通知",
        "各基层工会：\n岁末年初是安全生产事故易发期。请各基层工会组织劳动保护监督检查员开展一次隐患排查，重点检查消防通道、用电安全和劳动防护用品发放情况，发现问题及时督促企业整改。",
    ),
    (
        "policy",
        "《保障农民工工资支付条例》学习要点",
        "各基层工会：\n现将《保障农民工工资支付条例》学习要点印发给你们。请组织职工学习工资支付形式与周期、工资清偿、工程建设领域特别规定等内容，并在职工书屋、宣传栏张贴。",
    ),
    (
        "notice",
        "关于开展“夏送清凉”活动的通知",
        "各基层工会：\n入夏以来气温持续升高。请各基层工会摸排高温作业岗位和户外劳动者人数，督促企业落实高温津贴和防暑降温措施，并于截止日期前报送慰问需求。",
    ),
    (
        "policy",
        "县总工会职工互助医疗保障实施办法（修订）",
        "各基层工会：\n《职工互助医疗保障实施办法》已经修订，自下年度起施行。主要变化：住院补助比例提高，门诊特殊病种纳入补助范围。请向会员做好宣传，组织续保工作。",
    ),
    (
        "notice",
        "关于推荐县级劳动模范候选人的通知",
        "各基层工会：\n根据县委、县政府安排，请各基层工会按照推荐条件，在充分听取职工意见的基础上推荐县级劳动模范候选人，推荐材料于截止日期前报镇（街道）工会。",
    ),
    (
        "notice",
        "关于开展“金秋助学”申报工作的通知",
        "各基层工会：\n请各基层工会摸排本单位建档困难职工家庭当年考入高校的子女情况，指导符合条件的职工提交申请材料，于截止日期前完成初审并上报。",
    ),
    (
        "policy",
        "新就业形态劳动者入会工作指引",
        "各基层工会：\n为做好快递员、外卖配送员、网约车驾驶员等新就业形态劳动者入会工作，现印发入会工作指引，请结合实际开展“集中入会”活动，做到应入尽入。",
    ),
    (
        "notice",
        "关于报送年度工会工作统计报表的通知",
        "各基层工会：\n请于截止日期前通过本系统核对会员名册、组织信息和年度工作台账，确保数据真实准确。",
    ),
    (
        "notice",
        "关于开展劳动法律监督“一函两书”专项检查的通知",
        "各基层工会：\n请各基层工会对照劳动合同签订、工资支付、社会保险缴纳、女职工特殊保护等事项开展一次自查，发现问题及时报告，由县总工会依法发出提示函。",
    ),
    (
        "policy",
        "女职工劳动保护特别规定（全文）",
        "各基层工会：\n现将《女职工劳动保护特别规定》全文转发，请组织女职工学习孕期、产期、哺乳期保护和禁忌从事的劳动范围等规定，推动企业签订女职工权益保护专项集体合同。",
    ),
    (
        "notice",
        "关于组织职工参加职业技能竞赛的通知",
        "各基层工会：\n县总工会将联合县人社局举办年度职业技能竞赛，设焊工、电工、叉车司机等项目。请组织职工报名，于截止日期前报送参赛名单。",
    ),
];

/// A year of bulletins, two a month: to the whole county while it is small enough for every
/// union to confirm in the demo, otherwise to each town in turn (now and then two); most unions
/// confirm in time, some late, a few not yet.
async fn bulletins(
    db: &Db,
    admin: &Actor,
    towns: &[String],
    grassroots: usize,
    rng: &mut StdRng,
    today: Date,
) -> anyhow::Result<usize> {
    use store::direct::bulletins as bl;
    let cal = store::calendar::load(db).await?;
    let Some(root) = store::unions::root(db).await? else { return Ok(0) };
    let mut made = 0;
    for n in 0..24 {
        let issued = today - Duration::days(365 - n * 15);
        let (kind, title, body) = BULLETINS[n as usize % BULLETINS.len()];
        let county_wide = grassroots <= 300 && n % 3 == 0;
        let unions: Vec<String> = if county_wide || towns.is_empty() {
            vec![root.code.clone()]
        } else {
            // Each town in turn (so every town's cadre has some in the year), now and then with
            // a second.
            let mut t = vec![towns[n as usize % towns.len()].clone()];
            if let Some(other) = towns.choose(rng).filter(|o| **o != t[0] && rng.gen_bool(0.5)) {
                t.push(other.clone());
            }
            t
        };
        let confirm_by = cal.add_working_days(issued, 5);
        let f = bl::NewBulletin {
            kind: Some(kind.into()),
            title: title.into(),
            body: body.into(),
            unions,
            confirm_by: domain::fmt_date(confirm_by),
            to_members: kind == "policy",
        };
        let b = bl::issue(db, &cal, admin, &f, issued).await?;
        made += 1;
        for r in bl::get(db, admin, b.id).await?.unconfirmed {
            let on = if rng.gen_bool(0.85) {
                issued + Duration::days(rng.gen_range(0..7))
            } else if rng.gen_bool(0.6) {
                confirm_by + Duration::days(rng.gen_range(1..15))
            } else {
                continue;
            };
            if on > today {
                continue;
            }
            let union = store::unions::by_code(db, admin, &r.union_code).await?;
            let cadre = Actor {
                user_id: None,
                username: "演示数据".into(),
                name: "演示数据".into(),
                role: domain::Role::Cadre,
                scope: domain::Scope::Subtree(union.org_path()),
                department_id: None,
                ip: None,
            };
            bl::confirm(db, &cal, &cadre, b.id, on).await?;
        }
    }
    Ok(made)
}
