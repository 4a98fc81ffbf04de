import keytar from 'keytar';
try { await keytar.setPassword('probe-svc','a','b'); console.log('OK set'); await keytar.deletePassword('probe-svc','a'); } catch (e) { console.log('ERR', e.message); }
