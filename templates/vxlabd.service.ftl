<#--
  /etc/systemd/system/vxlabd.service. Values appear only in the comment line; Renderer rejects control
  characters in every value, so none can add a line. The trailing "." keeps the line from ending in "\".
-->
# Written by vxlab for lab ${lab}, node ${node}. vxlab overwrites this file.
[Unit]
Description=vxlab node agent: leases this node's container subnet from etcd and runs the overlay
Wants=network-online.target
After=network-online.target
Before=docker.service

[Service]
# vxlabd reads /etc/sysconfig/flanneld itself; loading it here as well exports its FLANNELD_* lines.
EnvironmentFile=-/etc/sysconfig/flanneld
ExecStart=/opt/vxlab/bin/vxlabd
# vxlabd does not notify systemd, so the unit counts as started only once docker_opts.env exists:
# docker.service (After=vxlabd.service) then starts with the leased subnet, never with Docker's default.
ExecStartPost=/bin/sh -c 'until [ -s /run/flannel/docker_opts.env ]; do sleep 0.2; done'
Restart=on-failure
RestartSec=5
# exit status 2: bad flags or sysconfig file, which a restart does not fix
RestartPreventExitStatus=2

[Install]
WantedBy=multi-user.target
