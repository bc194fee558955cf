import { grades } from '../campaign.config';
import engagement from './engagement';
import fit from './fit';

/** The lead grade: fit A–D × engagement 1–4. A1 is a perfect-fit lead who is very engaged. */
export default grades('lead-grade', {
  name: 'Lead grade',
  fit: { score: fit, bands: { A: 70, B: 45, C: 20, D: 0 } },
  engagement: { score: engagement, bands: { '1': 100, '2': 50, '3': 20, '4': 0 } },
});
