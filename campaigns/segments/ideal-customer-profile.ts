import { segment } from '../campaign.config';

/**
 * The ideal customer profile: product-led companies of 50–5,000 people in the markets our sales
 * team covers. Acme Analytics wins most often with SaaS, e-commerce and fintech product teams.
 */
export default segment('ideal-customer-profile', {
  name: 'Ideal customer profile',
  description: 'SaaS, e-commerce and fintech companies of 50–5,000 employees in covered markets.',
  where: (c) =>
    c.all(
      c.companySize.between(50, 5000),
      c.industry.in(['saas', 'ecommerce', 'fintech']),
      c.country.in(['FR', 'DE', 'GB', 'NL', 'BE', 'ES', 'IT', 'SE', 'US', 'CA']),
      c.plan.neq('churned'),
    ),
});
