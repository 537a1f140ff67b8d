/** Words the seeders combine into realistic Saudi-store data (Arabic names as merchants write them). */
export const CATEGORY_NAMES = [
  'ملابس رجالية',
  'ملابس نسائية',
  'أحذية',
  'عطور',
  'إلكترونيات',
  'جوالات',
  'إكسسوارات',
  'مستحضرات تجميل',
  'أدوات منزلية',
  'قهوة وتمور',
  'ألعاب أطفال',
  'رياضة',
  'ساعات',
  'حقائب',
  'كتب',
  'مكتبية',
  'عناية شخصية',
  'مطبخ',
  'أثاث',
  'هدايا',
] as const;

export const PRODUCT_NOUNS = [
  'قميص',
  'ثوب',
  'عباية',
  'حذاء رياضي',
  'عطر',
  'سماعة لاسلكية',
  'شاحن سريع',
  'ساعة ذكية',
  'حقيبة ظهر',
  'كوب قهوة',
  'تمر سكري',
  'بن عربي',
  'كريم مرطب',
  'شماغ',
  'نظارة شمسية',
  'محفظة جلد',
  'دفتر ملاحظات',
  'لعبة تركيب',
  'قارورة ماء',
  'وسادة',
] as const;

export const PRODUCT_ADJECTIVES = [
  'فاخر',
  'كلاسيك',
  'عملي',
  'أصلي',
  'جديد',
  'مميز',
  'خفيف',
  'بريميوم',
  'يومي',
  'صيفي',
] as const;

/** Variant options: the first is used for one-option products, both for larger variant counts. */
export const OPTION_SETS = [
  { name: 'المقاس', displayType: 'text', values: ['S', 'M', 'L', 'XL', 'XXL', '3XL'] },
  { name: 'اللون', displayType: 'color', values: ['أسود', 'أبيض', 'أحمر', 'أزرق', 'أخضر', 'بيج'] },
] as const;

export const FIRST_NAMES = [
  'محمد',
  'عبدالله',
  'فهد',
  'سارة',
  'نورة',
  'خالد',
  'ريم',
  'سلطان',
  'لمى',
  'فيصل',
  'هند',
  'عمر',
] as const;
export const LAST_NAMES = [
  'العتيبي',
  'القحطاني',
  'الشهري',
  'الغامدي',
  'الزهراني',
  'الدوسري',
  'الحربي',
] as const;
export const CITIES = ['الرياض', 'جدة', 'مكة', 'المدينة المنورة', 'الدمام', 'الخبر', 'أبها', 'تبوك'] as const;

export const SHIPPING_COMPANIES = [
  { name: 'أرامكس', slug: 'aramex', activation: 'api' },
  { name: 'سمسا', slug: 'smsa', activation: 'api' },
  { name: 'البريد السعودي', slug: 'saudi-post', activation: 'api' },
  { name: 'ريدبوكس', slug: 'redbox', activation: 'api' },
  { name: 'ناقل إكسبرس', slug: 'naqel', activation: 'api' },
  { name: 'مندوب خاص', slug: 'private-courier', activation: 'manual' },
  { name: 'استلام من الفرع', slug: 'pickup', activation: 'manual' },
] as const;

/** Order `payment_method` carries the slug. */
export const PAYMENT_METHODS = [
  { name: 'مدى', slug: 'mada' },
  { name: 'بطاقة ائتمانية', slug: 'credit_card' },
  { name: 'Apple Pay', slug: 'apple_pay' },
  { name: 'STC Pay', slug: 'stc_pay' },
  { name: 'الدفع عند الاستلام', slug: 'cod' },
  { name: 'تحويل بنكي', slug: 'bank' },
  { name: 'تابي', slug: 'tabby' },
  { name: 'تمارا', slug: 'tamara' },
] as const;

/** Salla's built-in order statuses (slug → Arabic name); ids differ per store. */
export const ORDER_STATUSES = [
  { slug: 'payment_pending', name: 'بانتظار الدفع' },
  { slug: 'under_review', name: 'بإنتظار المراجعة' },
  { slug: 'in_progress', name: 'قيد التنفيذ' },
  { slug: 'completed', name: 'تم التنفيذ' },
  { slug: 'delivering', name: 'جاري التوصيل' },
  { slug: 'delivered', name: 'تم التوصيل' },
  { slug: 'shipped', name: 'تم الشحن' },
  { slug: 'canceled', name: 'ملغي' },
  { slug: 'restoring', name: 'قيد الاسترجاع' },
  { slug: 'restored', name: 'مسترجع' },
] as const;
