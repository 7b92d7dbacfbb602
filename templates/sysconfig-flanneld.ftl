<#ftl output_format="sysconfig">
<#--
  /etc/sysconfig/flanneld, laid out as Fedora's flannel package ships it. vxlabd reads it itself (and a
  flanneld would too); vxlabd.service also loads it as its EnvironmentFile.
  Output format "sysconfig" (registered by Renderer): every ${...} below is escaped for a shell double-quoted
  string by Renderer.shellDoubleQuoted, so no value can end the quotes, expand, or start a new line.
-->
# Written by vxlab for lab ${lab}, node ${node}. vxlab overwrites this file: change the lab spec instead.

# etcd that holds the network config and the subnet leases (comma-separated URLs)
FLANNEL_ETCD_ENDPOINTS="${etcdEndpoints?join(",")}"

# etcd key prefix: <prefix>/config and <prefix>/subnets/
FLANNEL_ETCD_PREFIX="${etcdPrefix}"
<#if etcdTls?has_content>

# TLS to etcd (flanneld's --etcd-cafile, --etcd-certfile, --etcd-keyfile): ${etcdTlsFrom}
<#list etcdTls as t>
${t.key}="${t.value}"
</#list>
</#if>

# the subnet lease's TTL (agent.leaseTtl in the lab spec): vxlabd's --subnet-lease-ttl, which flags in FLANNEL_OPTIONS
# override; flanneld, whose lease TTL is a fixed 24 h, ignores this line
FLANNELD_SUBNET_LEASE_TTL="${leaseTtl}"

# more vxlabd/flanneld flags (agent.options in the lab spec)
FLANNEL_OPTIONS="${agentOptions}"
