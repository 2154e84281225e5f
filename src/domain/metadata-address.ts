/**
 * Link-local and cloud metadata addresses: where a cloud machine serves its instance credentials
 * (169.254.169.254 and its kin). The API server fetches URLs that Cluster statuses name, so whoever
 * writes a status must not be able to steer it there, unless the operator allows it.
 */
import { BlockList, isIP } from 'node:net';

const reserved = new BlockList();
// IPv4 link-local: the metadata services of AWS, GCP, Azure and OpenStack live here.
reserved.addSubnet('169.254.0.0', 16, 'ipv4');
reserved.addSubnet('fe80::', 10, 'ipv6');
// AWS's metadata service over IPv6, and Alibaba Cloud's.
reserved.addAddress('fd00:ec2::254', 'ipv6');
reserved.addAddress('100.100.100.200', 'ipv4');

/** Whether `address` (an IP literal, IPv6 with or without brackets) is link-local or a metadata service. */
export function isLinkLocalOrMetadata(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  return reserved.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}
