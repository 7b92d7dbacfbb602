<#--
  /etc/systemd/system/docker.service.d/vxlab.conf. Values appear only in the comment line (see
  vxlabd.service.ftl). dockerd is found through PATH by /usr/bin/env: Debian's docker.io installs
  /usr/sbin/dockerd, Docker's own packages /usr/bin/dockerd.
-->
# Written by vxlab for lab ${lab}, node ${node}. vxlab overwrites this file.
# docker0 takes the subnet vxlabd leased: --bip, --mtu and --ip-masq come from docker_opts.env, which
# vxlabd writes as flannel's mk-docker-opts.sh did.
[Unit]
After=vxlabd.service
Requires=vxlabd.service

[Service]
EnvironmentFile=-/run/flannel/docker_opts.env
# an empty ExecStart= clears the packaged command line so that the next one replaces it
ExecStart=
ExecStart=/usr/bin/env dockerd -H fd:// $DOCKER_OPT_BIP $DOCKER_OPT_MTU $DOCKER_OPT_IPMASQ
