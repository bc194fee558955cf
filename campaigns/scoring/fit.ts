import { profile, scoring } from '../campaign.config';

/** Fit: how closely a contact matches the ideal customer profile, from profile data only. */
export default scoring('fit', {
  name: 'Profile fit',
  rules: [
    profile((c) => c.companySize.between(50, 199), { id: 'size-50-199' }).add(15),
    profile((c) => c.companySize.between(200, 999), { id: 'size-200-999' }).add(25),
    profile((c) => c.companySize.between(1000, 5000), { id: 'size-1000-5000' }).add(20),
    profile((c) => c.companySize.lt(10), { id: 'size-under-10' }).subtract(10),
    profile((c) => c.industry.in(['saas', 'ecommerce', 'fintech']), { id: 'core-industry' }).add(25),
    profile((c) => c.industry.in(['media', 'healthcare']), { id: 'adjacent-industry' }).add(10),
    profile((c) => c.country.in(['FR', 'DE', 'GB', 'NL', 'BE', 'ES', 'IT', 'SE']), { id: 'europe' }).add(15),
    profile((c) => c.country.in(['US', 'CA']), { id: 'north-america' }).add(10),
    profile((c) => c.jobTitle.matches(/head|director|vp|chief/i), { id: 'decision-maker' }).add(20),
    profile((c) => c.jobTitle.matches(/product|growth|analytics|data/i), { id: 'relevant-function' }).add(10),
    profile((c) => c.jobTitle.matches(/student|intern/i), { id: 'student' }).subtract(20),
    profile((c) => c.email.endsWith('@gmail.example'), { id: 'personal-email' }).subtract(10),
  ],
  floor: 0,
  cap: 100,
});
