import type { FrameworkId } from '../config';

export interface FrameworkInfo {
  id: FrameworkId;
  /** Canonical reference prefix: `CSF:PR.AA-01`. */
  prefix: string;
  name: string;
  /** What conformance to it means, in this project's own words. */
  assuranceRole: string;
  licence: string;
  /** Where a user reads more (never fetched by the extension). */
  url: string;
}

export const FRAMEWORKS: Record<FrameworkId, FrameworkInfo> = {
  csf: {
    id: 'csf',
    prefix: 'CSF',
    name: 'NIST Cybersecurity Framework (CSF) 2.0',
    assuranceRole:
      'A voluntary outcomes framework: organisations describe current and target profiles and the maturity (tiers) of their risk management. Nobody certifies against it, so evidence serves your own risk decisions and the assessors you choose to invite.',
    licence: 'NIST, public domain in the US',
    url: 'https://www.nist.gov/cyberframework',
  },
  iso27001: {
    id: 'iso27001',
    prefix: 'ISO27001',
    name: 'ISO/IEC 27001:2022',
    assuranceRole:
      'A certifiable management-system standard: an accredited body audits the ISMS against clauses 4-10 and the Statement of Applicability for Annex A, and every claim must be backed by documented information (evidence).',
    licence: 'ISO/IEC copyright: identifiers and titles only',
    url: 'https://www.iso.org/standard/27001',
  },
  iso27002: {
    id: 'iso27002',
    prefix: 'ISO27002',
    name: 'ISO/IEC 27002:2022',
    assuranceRole:
      'Implementation guidance for the Annex A controls of ISO/IEC 27001, numbered the same way (27002 5.16 is Annex A 5.16). It is not certifiable itself; auditors use it to judge how a control is implemented.',
    licence: 'ISO/IEC copyright: identifiers and titles only',
    url: 'https://www.iso.org/standard/75652.html',
  },
  soc2: {
    id: 'soc2',
    prefix: 'SOC2',
    name: 'AICPA SOC 2 Trust Services Criteria (2017, points of focus revised 2022)',
    assuranceRole:
      'An attestation, not a certification: a CPA firm reports on controls over a scoped service, their design at a point in time (Type I) or their operation over a period, usually 6-12 months (Type II), so evidence must cover the whole period.',
    licence: 'AICPA copyright: identifiers only; labels are this project’s own words',
    url: 'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022',
  },
  nhi: {
    id: 'nhi',
    prefix: 'NHI',
    name: 'OWASP Non-Human Identities Top 10 (2025)',
    assuranceRole:
      'A risk-awareness list of the ten most pressing risks of non-human identities. It is neither a control set nor an audit standard; it names the failure modes that the other frameworks’ controls must cover for machines.',
    licence: 'OWASP, CC BY-SA 4.0: titles only',
    url: 'https://owasp.org/www-project-non-human-identities-top-10/2025/',
  },
  'sp800-53': {
    id: 'sp800-53',
    prefix: 'SP800-53',
    name: 'NIST SP 800-53 Rev. 5',
    assuranceRole:
      'A catalog of security and privacy controls; its baselines (SP 800-53B) are required for US federal information systems and underlie FedRAMP authorisations, where assessors test each selected control.',
    licence: 'NIST, public domain in the US',
    url: 'https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final',
  },
};

/**
 * The framework a name stands for, as other tools key their control maps (comply's `satisfies: {TSC: [...]}`,
 * OpenControl's `standard_key: NIST-800-53`): TSC, SOC 2, ISO 27001, ISO/IEC 27002:2022, NIST CSF, SP 800-53, OWASP NHI.
 */
export function frameworkOfName(name: string): FrameworkId | undefined {
  const k = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (k === 'tsc' || k === 'soc2' || k === 'soc2tsc' || k === 'aicpatsc') return 'soc2';
  if (/^iso(?:iec)?27001/.test(k)) return 'iso27001';
  if (/^iso(?:iec)?27002/.test(k)) return 'iso27002';
  if (/^(?:nist)?csf(?:v?2(?:0)?)?$/.test(k) || k === 'nistcybersecurityframework') return 'csf';
  if (/80053/.test(k)) return 'sp800-53';
  if (/^(?:owasp)?nhi(?:top10)?(?:2025)?$/.test(k)) return 'nhi';
  return undefined;
}
