#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying the recipe and for CI's end-to-end
# test: Debian's slurm-wlm and munge, every daemon as root, state under $1 (default
# /tmp/newsmill-slurm). Not for production: a real cluster has its own configuration.
#
#   deploy/slurm/local-cluster.sh            # start (idempotent)
#   deploy/slurm/local-cluster.sh stop
set -euo pipefail
state="${NEWSMILL_SLURM_STATE:-/tmp/newsmill-slurm}"
conf=/etc/slurm/slurm.conf

if [[ "${1:-start}" == stop ]]; then
  pkill -x slurmd || true
  pkill -x slurmctld || true
  pkill -x munged || true
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-wlm and munge are not installed (apt-get install slurm-wlm munge)" >&2
  exit 2
fi

mkdir -p "$state"/{ctld,d,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge
node="$(hostname -s)"
cpus="$(nproc)"
cat > "$conf" <<CONF
ClusterName=newsmill-test
SlurmctldHost=${node}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=${state}/ctld
SlurmdSpoolDir=${state}/d
SlurmctldPidFile=${state}/slurmctld.pid
SlurmdPidFile=${state}/slurmd.pid
SlurmctldLogFile=${state}/log/slurmctld.log
SlurmdLogFile=${state}/log/slurmd.log
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=${node} CPUs=${cpus} State=UNKNOWN
PartitionName=main Nodes=${node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || munged --force
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

# Wait until the node takes jobs.
for _ in $(seq 1 60); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    sinfo
    exit 0
  fi
  sleep 1
done
echo "the Slurm node did not come up; logs in ${state}/log" >&2
sinfo >&2 || true
exit 1
