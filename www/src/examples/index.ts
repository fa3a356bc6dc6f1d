// The examples menu. The first entry opens on a first visit.
import insecureDeployment from './insecure-deployment.yaml?raw';
import hardenedDeployment from './hardened-deployment.yaml?raw';
import rbac from './rbac.yaml?raw';
import networkPolicies from './network-policies.yaml?raw';
import controlPlane from './control-plane.yaml?raw';
import helmUnrendered from './helm-unrendered.yaml?raw';

export interface Example {
  id: string;
  title: string;
  source: string;
}

export const EXAMPLES: readonly Example[] = [
  { id: 'insecure-deployment', title: 'Insecure Deployment', source: insecureDeployment },
  { id: 'hardened-deployment', title: 'Hardened Deployment', source: hardenedDeployment },
  { id: 'rbac', title: 'RBAC: wildcards and cluster-admin', source: rbac },
  { id: 'network-policies', title: 'NetworkPolicies', source: networkPolicies },
  { id: 'control-plane', title: 'Control plane: kube-apiserver and kubelet', source: controlPlane },
  {
    id: 'helm-unrendered',
    title: 'Unrendered Helm template and a YAML error',
    source: helmUnrendered,
  },
];
